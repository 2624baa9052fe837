import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '../../src/db/database';
import { betterSqliteLoads } from '../../src/db/sqlite-engine';
import { Platform } from '../../src/entities';
import { PROJECT_ROOT, startProcess, waitForOutput } from '../support/processes';

const SCRIPT = ['-r', '@swc-node/register', join(PROJECT_ROOT, 'test', 'support', 'commit-then-hang.ts')];
// CI always has better-sqlite3 (.ci/run fails without it); a machine that could not build it
// runs embedded mode on sql.js, whose 200 ms save window this test is not about.
const describeWithBetterSqlite = betterSqliteLoads() ? describe : describe.skip;

describeWithBetterSqlite('embedded mode on better-sqlite3', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'paygraph-durable-'));
  });

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps a commit the moment it returns: a process killed right after it loses nothing', async () => {
    const file = join(dataDir, 'paygraph.sqlite');
    const writer = startProcess([...SCRIPT, file, 'better-sqlite3'], {});
    const [, id] = await waitForOutput(writer, /COMMITTED (\S+)/, 'the commit');
    writer.child.kill('SIGKILL');
    await writer.exited;
    const db = new Database({ kind: 'sqlite', file, engine: 'better-sqlite3' });
    await db.open({ migrate: false });
    try {
      expect(await db.manager.findOneBy(Platform, { id })).toMatchObject({ name: 'durable' });
    } finally {
      await db.close();
    }
  });
});
