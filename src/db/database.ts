import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource, type DataSourceOptions, type EntityManager, type Logger as TypeOrmLogger } from 'typeorm';
import type { AppConfig } from '../config/config';
import { ALL_ENTITIES } from '../entities';
import type { Logger } from '../logging/logger';
import { ProcessLock } from './process-lock';
import { createConnection } from 'mysql2/promise';
import { managerTransaction, MysqlPipeline, type PipelinedTransaction } from './pipelined-transaction';
import { requestMetrics } from './request-metrics';
import { MYSQL_MIGRATIONS } from './migrations/mysql';
import { SQLITE_MIGRATIONS } from './migrations/sqlite';
import { resolveSqliteEngine, type SqliteEngine } from './sqlite-engine';

export type DatabaseKind = 'sqlite' | 'mysql';

/** How long embedded mode may hold commits in memory before writing the file. */
const SQLITE_SAVE_MS = 200;

/** Connections of the callback pipeline's own MySQL pool (two batches per platform in flight, a few platforms). */
const PIPELINE_CONNECTIONS = 4;

/** Logs SQL at trace level and counts each statement against the current request (request-metrics). */
export class SqlLogger implements TypeOrmLogger {
  constructor(private readonly logger?: Logger) {}
  logQuery(query: string): void {
    const metrics = requestMetrics.getStore();
    if (metrics) {
      metrics.sqlStatements += 1;
      if (/^(BEGIN|START TRANSACTION)/i.test(query)) metrics.transactions += 1;
    }
    this.logger?.trace({ query }, 'sql');
  }
  logQueryError(error: string | Error, query: string): void {
    // Parameters are deliberately not logged: they can carry personal data.
    this.logger?.debug({ err: String(error), query }, 'sql error');
  }
  logQuerySlow(time: number, query: string): void {
    this.logger?.warn({ time, query }, 'slow sql');
  }
  logSchemaBuild(message: string): void {
    this.logger?.debug(message);
  }
  logMigration(message: string): void {
    this.logger?.info({ migration: message }, 'migration');
  }
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger?.warn({ message }, 'typeorm');
  }
}

/** How every connection talks to MySQL: TypeORM's pool and the callback pipeline's alike. */
const MYSQL_SESSION = {
  charset: 'utf8mb4',
  timezone: 'Z',
  // BIGINT money columns come back as strings and are converted by fenTransformer.
  supportBigNumbers: true,
  bigNumberStrings: true,
} as const;

export function dataSourceOptions(
  database: AppConfig['database'],
  logger?: TypeOrmLogger,
  mysqlFlavour: 'mysql' | 'mariadb' = 'mysql',
  sqliteEngine: SqliteEngine = 'sqljs',
): DataSourceOptions {
  const common = { entities: ALL_ENTITIES, synchronize: false, migrationsRun: false, logger, logging: true as const };
  if (database.kind === 'mysql') {
    return {
      ...common,
      // TypeORM reads column defaults differently on MariaDB; the right flavour keeps the
      // migration-vs-entity comparison exact on both servers.
      type: mysqlFlavour,
      url: database.url,
      ...MYSQL_SESSION,
      migrations: MYSQL_MIGRATIONS,
      poolSize: 10,
    };
  }
  const file = database.file;
  if (sqliteEngine === 'better-sqlite3') {
    return {
      ...common,
      type: 'better-sqlite3',
      database: file,
      // Write-ahead log: a commit appends to the log instead of rewriting pages in place.
      enableWAL: file !== ':memory:',
      // FULL: the log is synced at every commit, so an acknowledged callback survives a power
      // cut too, not only a crash of the process. Group commit keeps the syncs few.
      prepareDatabase: (connection: { pragma(source: string): unknown }) => {
        connection.pragma('synchronous = FULL');
      },
      migrations: SQLITE_MIGRATIONS,
    };
  }
  return {
    ...common,
    type: 'sqljs',
    location: file === ':memory:' ? undefined : file,
    // sql.js keeps the database in memory; Database writes the file itself, batched (see
    // scheduleSqliteSave), instead of exporting the whole database after every commit.
    autoSave: false,
    migrations: SQLITE_MIGRATIONS,
  };
}

/**
 * The one place that opens the database and runs transactions. SQLite (better-sqlite3 or
 * sql.js) has a single connection, so its transactions are serialised through a promise
 * queue; MySQL transactions run concurrently on the pool.
 */
export class Database {
  readonly kind: DatabaseKind;
  private readonly sqlLogger: SqlLogger;
  private source?: DataSource;
  private sqliteQueue: Promise<unknown> = Promise.resolve();
  private lock?: ProcessLock;
  private saveTimer?: NodeJS.Timeout;
  private pipeline?: MysqlPipeline;
  /** Embedded mode's engine, once opened (undefined on MySQL). */
  private sqliteEngine?: SqliteEngine;

  constructor(
    private readonly settings: AppConfig['database'],
    logger?: Logger,
  ) {
    this.kind = settings.kind;
    this.sqlLogger = new SqlLogger(logger);
  }

  get dataSource(): DataSource {
    if (!this.source) throw new Error('Database.open() has not been called');
    return this.source;
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /** The embedded database's file on disk; undefined on MySQL and for an in-memory database. */
  private get sqliteFile(): string | undefined {
    return this.settings.kind === 'sqlite' && this.settings.file !== ':memory:' ? this.settings.file : undefined;
  }

  async open(options: { migrate: boolean }): Promise<void> {
    if (!this.source) {
      const flavour = this.settings.kind === 'mysql' ? await detectMysqlFlavour(this.settings.url) : 'mysql';
      if (this.settings.kind === 'sqlite') this.sqliteEngine = resolveSqliteEngine(this.settings.engine ?? 'auto');
      if (this.sqliteFile) {
        mkdirSync(dirname(this.sqliteFile), { recursive: true });
        // sql.js holds the whole database in memory and rewrites the file, so two processes on
        // one file would overwrite each other's writes: one owner at a time. better-sqlite3 is
        // SQLite itself, whose own file locking (WAL) lets the CLI work beside a running server.
        if (this.sqliteEngine === 'sqljs') {
          this.lock = await ProcessLock.acquire(this.sqliteFile);
          if (!this.lock)
            throw new Error(
              `The SQLite database ${this.sqliteFile} is in use by another paygraph process on the sql.js engine. ` +
                'Stop it first, install better-sqlite3 (which lets several processes share the file), or use DATABASE_URL=mysql://….',
            );
        }
      }
      this.source = new DataSource(dataSourceOptions(this.settings, this.sqlLogger, flavour, this.sqliteEngine));
    }
    if (!this.source.isInitialized) {
      await this.source.initialize();
      // sql.js keeps the database in (emulated) memory and paygraph writes the file itself, so
      // SQLite's own rollback journal only cost page copies through the emulated file system
      // on every transaction. Kept in memory instead, ROLLBACK still works.
      if (this.sqliteEngine === 'sqljs') await this.source.query('PRAGMA journal_mode = MEMORY');
    }
    if (this.settings.kind === 'mysql' && !this.pipeline)
      // As TypeORM's own pool does it (it also stringifies objects), plus multiple statements.
      this.pipeline = new MysqlPipeline({
        uri: this.settings.url,
        ...MYSQL_SESSION,
        stringifyObjects: true,
        connectionLimit: PIPELINE_CONNECTIONS,
      });
    if (options.migrate) await this.migrate();
  }

  /** Applies pending migrations; returns their names. */
  async migrate(): Promise<string[]> {
    const applied = await this.dataSource.runMigrations({ transaction: 'each' });
    if (applied.length > 0) this.saveSqliteNow();
    return applied.map((migration) => migration.name);
  }

  async close(): Promise<void> {
    if (this.saveTimer) this.saveSqliteNow();
    if (this.sqliteEngine === 'better-sqlite3' && this.sqliteFile) {
      await this.sqliteQueue;
      // Folds the write-ahead log into the file and leaves it a plain SQLite file, which sql.js
      // (SQLITE_ENGINE=sqljs) can open too.
      if (this.source?.isInitialized) await this.source.query('PRAGMA journal_mode = DELETE').catch(() => undefined);
    }
    await this.pipeline?.close();
    this.pipeline = undefined;
    if (this.source?.isInitialized) await this.source.destroy();
    await this.lock?.release();
    this.lock = undefined;
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.kind === 'mysql') return this.dataSource.transaction(work);
    const run = this.sqliteQueue.then(() => this.dataSource.transaction(work));
    this.sqliteQueue = run.catch(() => undefined);
    return run.then((result) => {
      this.scheduleSqliteSave();
      return result;
    });
  }

  /**
   * One write statement that needs no transaction around it (a single INSERT or UPDATE): on
   * MySQL it autocommits, one round trip instead of three (START, the statement, COMMIT); on
   * SQLite it is serialised with the transactions like any other write.
   */
  write<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.kind === 'mysql') return work(this.dataSource.manager);
    return this.transaction(work);
  }

  /**
   * A transaction for the callback hot path whose statements go in as few round trips as the
   * database allows (see PipelinedTransaction). On SQLite it is an ordinary transaction,
   * serialised with all the others.
   */
  pipelined<T>(work: (transaction: PipelinedTransaction) => Promise<T>): Promise<T> {
    if (this.pipeline) return this.pipeline.transaction(work);
    return this.transaction((manager) => work(managerTransaction(manager)));
  }

  /**
   * Makes every commit so far survive a crash of this process, before an external call that
   * moves money (a vendor pay or refund): the row that lets a restart find and adopt the
   * vendor's order must not be lost with it. A no-op on MySQL and better-sqlite3, where every
   * commit is durable; on sql.js it writes the file now.
   */
  async durable(): Promise<void> {
    if (this.sqliteEngine !== 'sqljs') return;
    await this.sqliteQueue;
    if (this.saveTimer) this.saveSqliteNow();
  }

  /**
   * Embedded mode writes the file at most every SQLITE_SAVE_MS after a commit (and on close).
   * Exporting sql.js's whole database on every commit made each callback cost a full file
   * write; the price is that a crash of the process loses the last fraction of a second of
   * commits. Production runs on MySQL, where every commit is durable.
   */
  private scheduleSqliteSave(): void {
    if (this.sqliteEngine !== 'sqljs' || !this.sqliteFile || this.saveTimer) return;
    this.saveTimer = setTimeout(() => this.saveSqliteNow(), SQLITE_SAVE_MS);
  }

  private saveSqliteNow(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const file = this.sqliteFile;
    if (this.sqliteEngine !== 'sqljs' || !file || !this.source?.isInitialized) return;
    const bytes = (this.source.driver as unknown as { export(): Uint8Array }).export();
    const temporary = `${file}.tmp`;
    // Written to a temporary file and renamed, so a crash mid-write never truncates the database.
    writeFileSync(temporary, bytes);
    renameSync(temporary, file);
  }
}

async function detectMysqlFlavour(url: string): Promise<'mysql' | 'mariadb'> {
  const connection = await createConnection(url);
  try {
    const [rows] = await connection.query('SELECT VERSION() AS version');
    const version = String((rows as Array<{ version: string }>)[0]?.version ?? '');
    return /mariadb/i.test(version) ? 'mariadb' : 'mysql';
  } finally {
    await connection.end();
  }
}

/** True for a duplicate-key error from either driver (MySQL ER_DUP_ENTRY, SQLite UNIQUE). */
export function isUniqueViolation(error: unknown): boolean {
  // TypeORM wraps the driver's error; the callback pipeline's own pool hands it over as it is.
  const driverError =
    (error as { driverError?: { code?: string; errno?: number; message?: string } })?.driverError ??
    (error as { code?: string; errno?: number; message?: string });
  const message = String(driverError?.message ?? (error as Error)?.message ?? '');
  return (
    driverError?.code === 'ER_DUP_ENTRY' || driverError?.errno === 1062 || /UNIQUE constraint failed/i.test(message)
  );
}
