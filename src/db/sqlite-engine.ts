import { createRequire } from 'node:module';

/**
 * The two SQLite engines embedded mode can run on (ADR 0012):
 * - better-sqlite3: SQLite itself, native. Writes the file as it commits (WAL), so nothing is
 *   lost when the process dies and nothing stalls to save. Needs a compiled native module.
 * - sql.js: SQLite compiled to WebAssembly. Installs anywhere, but keeps the database in memory
 *   and paygraph writes the whole file every 200 ms.
 */
export type SqliteEngine = 'better-sqlite3' | 'sqljs';

const requireOptional = createRequire(__filename);

let nativeLoads: boolean | undefined;

/** Whether better-sqlite3 is installed and its native module loads on this machine. */
export function betterSqliteLoads(): boolean {
  if (nativeLoads === undefined) {
    try {
      // An optional dependency: its compile may have failed (no compiler, offline) or been skipped.
      const BetterSqlite3 = requireOptional('better-sqlite3') as new (file: string) => { close(): void };
      new BetterSqlite3(':memory:').close();
      nativeLoads = true;
    } catch {
      nativeLoads = false;
    }
  }
  return nativeLoads;
}

/** The engine to use: the one asked for, or better-sqlite3 when it loads and sql.js otherwise. */
export function resolveSqliteEngine(requested: SqliteEngine | 'auto'): SqliteEngine {
  if (requested === 'sqljs') return 'sqljs';
  if (betterSqliteLoads()) return 'better-sqlite3';
  if (requested === 'better-sqlite3')
    throw new Error(
      'SQLITE_ENGINE=better-sqlite3, but its native module is not installed or does not load here; ' +
        'run npm install with a C++ compiler available, or use SQLITE_ENGINE=sqljs',
    );
  return 'sqljs';
}
