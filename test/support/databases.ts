import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import type { AppConfig } from '../../src/config/config';
import { resolveSqliteEngine } from '../../src/db/sqlite-engine';

/**
 * The databases every DB-backed suite runs against: embedded SQLite always (on the engine
 * embedded mode picks: better-sqlite3 when it is installed), and MySQL whenever DATABASE_URL is
 * set (CI sets it). A MySQL suite never skips: if the URL is set and the server is
 * unreachable, the suite fails. Suites of the SQL paths themselves also run on sql.js, the
 * fallback engine (`{ sqlJs: true }`).
 */
export interface TestDatabase {
  name: 'sqlite' | 'sqljs' | 'mysql';
  /** A fresh, empty database for one suite. */
  create(): Promise<{ settings: AppConfig['database']; drop(): Promise<void> }>;
}

function adminUrl(url: string): URL {
  const parsed = new URL(url);
  parsed.pathname = '/';
  return parsed;
}

export function testDatabases(options: { sqlJs?: boolean } = {}): TestDatabase[] {
  const databases: TestDatabase[] = [
    {
      name: 'sqlite',
      create: async () => ({ settings: { kind: 'sqlite', file: ':memory:' }, drop: async () => undefined }),
    },
  ];
  if (options.sqlJs && resolveSqliteEngine('auto') !== 'sqljs') {
    databases.push({
      name: 'sqljs',
      create: async () => ({
        settings: { kind: 'sqlite', file: ':memory:', engine: 'sqljs' },
        drop: async () => undefined,
      }),
    });
  }
  const url = process.env.DATABASE_URL;
  if (url) {
    databases.push({
      name: 'mysql',
      create: async () => {
        const name = `paygraph_t_${randomBytes(5).toString('hex')}`;
        const admin = await createConnection(adminUrl(url).toString());
        await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
        await admin.end();
        const databaseUrl = new URL(url);
        databaseUrl.pathname = `/${name}`;
        return {
          settings: { kind: 'mysql', url: databaseUrl.toString() },
          drop: async () => {
            const connection = await createConnection(adminUrl(url).toString());
            await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
            await connection.end();
          },
        };
      },
    });
  }
  return databases;
}
