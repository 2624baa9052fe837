import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppConfig } from '../src/config/config';

/**
 * The database of a bench target process: MySQL at `url`, or a SQLite file in a scratch
 * directory of its own. `cleanUp` removes that directory (call it once the runtime stopped),
 * so runs leave nothing behind in the temporary directory.
 */
export function targetDatabase(
  kind: string,
  url: string | undefined,
  prefix: string,
): { database: AppConfig['database']; cleanUp(): void } {
  if (kind === 'mysql') return { database: { kind: 'mysql', url: url as string }, cleanUp: () => undefined };
  const scratch = mkdtempSync(join(tmpdir(), prefix));
  return {
    database: { kind: 'sqlite', file: join(scratch, 'bench.sqlite') },
    cleanUp: () => rmSync(scratch, { recursive: true, force: true }),
  };
}

/** On SIGTERM: stop the runtime, remove the target's scratch files, exit. */
export function exitOnSigterm(runtime: { stop(): Promise<void> }, cleanUp: () => void): void {
  process.once(
    'SIGTERM',
    () =>
      void runtime.stop().then(() => {
        cleanUp();
        process.exit(0);
      }),
  );
}
