import { createPool, type Pool, type PoolConnection, type PoolOptions } from 'mysql2';
import type { EntityManager } from 'typeorm';
import { runStatement, type Statement } from './bulk-sql';

/**
 * A DB transaction for the callback hot path that sends its statements in as few round trips
 * as the database allows. On this kind of machine a round trip to MySQL costs about as much
 * CPU as the rest of a callback's work, whatever the statement; a batch of callbacks reads
 * (dedupe check and row locks) in one round trip and writes and commits in a second one.
 */
export interface PipelinedTransaction {
  readonly kind: 'mysql' | 'sqlite';
  /** Runs the statements in order; one result per statement (rows for a SELECT). */
  run(statements: Statement[]): Promise<unknown[]>;
  /** Runs the statements in order, then commits; on MySQL all in one round trip. */
  commit(statements: Statement[]): Promise<unknown[]>;
  /** The TypeORM manager of this transaction (SQLite only), for the steps that need one. */
  readonly manager?: EntityManager;
}

/** What a multi-statement MySQL packet returns for a statement that is not a SELECT. */
export interface ResultHeader {
  affectedRows: number;
  insertId: number | string;
}

/**
 * MySQL: a small pool of its own, with multiple statements per packet enabled. The rest of
 * the application uses TypeORM's pool, which keeps multiple statements off: only SQL built
 * here from entity metadata with placeholders is ever sent as a batch.
 */
export class MysqlPipeline {
  private readonly pool: Pool;

  constructor(options: PoolOptions) {
    this.pool = createPool({ ...options, multipleStatements: true });
  }

  async transaction<T>(work: (transaction: PipelinedTransaction) => Promise<T>): Promise<T> {
    const connection = await new Promise<PoolConnection>((resolve, reject) =>
      this.pool.getConnection((error, acquired) => (error ? reject(error) : resolve(acquired))),
    );
    const state = { begun: false, finished: false };
    const send = async (statements: Statement[], commit: boolean): Promise<unknown[]> => {
      if (state.finished) throw new Error('this pipelined transaction has already committed');
      // START TRANSACTION rides on the first packet and COMMIT on the last one.
      const sent = [
        ...(state.begun ? [] : [{ sql: 'START TRANSACTION', params: [] }]),
        ...statements,
        ...(commit ? [{ sql: 'COMMIT', params: [] }] : []),
      ];
      const skip = state.begun ? 0 : 1;
      state.begun = true;
      if (commit) state.finished = true;
      const results = await query(connection, sent);
      return results.slice(skip, skip + statements.length);
    };
    const transaction: PipelinedTransaction = {
      kind: 'mysql',
      run: (statements) => send(statements, false),
      commit: (statements) => send(statements, true),
    };
    try {
      const result = await work(transaction);
      if (state.begun && !state.finished) await send([], true);
      connection.release();
      return result;
    } catch (error) {
      // A statement that fails stops the packet before its COMMIT: the transaction is still
      // open and is rolled back here. A connection that cannot even do that is discarded.
      await query(connection, [{ sql: 'ROLLBACK', params: [] }]).then(
        () => connection.release(),
        () => connection.destroy(),
      );
      throw error;
    }
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.pool.end((error) => (error ? reject(error) : resolve())));
  }
}

/** Sends statements as one packet; one result per statement, whatever their number. */
function query(connection: PoolConnection, statements: Statement[]): Promise<unknown[]> {
  return new Promise((resolve, reject) =>
    connection.query(
      { sql: statements.map((statement) => statement.sql).join(';\n'), values: statements.flatMap((s) => s.params) },
      (error, results) => {
        if (error) return reject(error);
        // mysql2 wraps the results in an array only when the packet held several statements.
        resolve(statements.length === 1 ? [results] : (results as unknown[]));
      },
    ),
  );
}

/** SQLite (and any TypeORM transaction): the same statements, one at a time, in-process. */
export function managerTransaction(manager: EntityManager): PipelinedTransaction {
  const run = async (statements: Statement[]) => {
    const results: unknown[] = [];
    for (const statement of statements) results.push(await runStatement(manager, statement));
    return results;
  };
  return { kind: 'sqlite', manager, run, commit: run };
}
