import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '../../src/db/database';
import { betterSqliteLoads } from '../../src/db/sqlite-engine';
import { Platform } from '../../src/entities';
import { PROJECT_ROOT, startProcess, waitForOutput } from '../support/processes';
import { waitFor } from '../support/wait-for';

const SCRIPT = ['-r', '@swc-node/register', join(PROJECT_ROOT, 'test', 'support', 'commit-then-hang.ts')];

/** The single-owner lock of the sql.js engine, and the shared file of better-sqlite3. */
describe('embedded database ownership', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'paygraph-lock-'));
  });

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a second owner of a sql.js file while the first one lives', async () => {
    const file = join(dataDir, 'live.sqlite');
    const holder = startProcess([...SCRIPT, file, 'sqljs'], {});
    try {
      await waitForOutput(holder, /COMMITTED/, 'the holder open');
      const second = new Database({ kind: 'sqlite', file, engine: 'sqljs' });
      await expect(second.open({ migrate: false })).rejects.toThrow(/in use by another paygraph process/);
    } finally {
      holder.child.kill('SIGKILL');
      await holder.exited;
    }
  });

  it('opens a sql.js file whose owner was killed and not yet reaped (a zombie)', async () => {
    const file = join(dataDir, 'zombie.sqlite');
    // sh starts the holder in the background and becomes `sleep`, which never reaps it: once
    // killed, the holder stays a zombie, whose PID still looks alive.
    const holderCommand = [process.execPath, ...SCRIPT, file, 'sqljs'].map((arg) => `'${arg}'`).join(' ');
    const parent = spawn('sh', ['-c', `${holderCommand} & echo "HOLDER $!"; exec sleep 120`], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    parent.stdout.on('data', (chunk) => (out += chunk));
    const parentExited = new Promise((resolve) => parent.once('exit', resolve));
    try {
      await waitFor(() => /COMMITTED/.test(out), 'the holder open', 30_000);
      const pid = Number(/HOLDER (\d+)/.exec(out)?.[1]);
      process.kill(pid, 'SIGKILL');
      await waitFor(
        () => existsSync(`/proc/${pid}/stat`) && readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] === 'Z',
        'the holder a zombie',
      );
      // The kernel releases a killed process's sockets as its last thread exits, which can be a
      // moment after the leader shows as a zombie; the PID lock never let go at all.
      const next = new Database({ kind: 'sqlite', file, engine: 'sqljs' });
      await waitFor(
        () =>
          next.open({ migrate: false }).then(
            () => true,
            () => false,
          ),
        'the database to open',
      );
      try {
        // Open and serving (the holder's last commit may be lost: sql.js saves every 200 ms).
        await next.manager.insert(Platform, {
          id: 'after-zombie',
          name: 'next owner',
          status: 'ACTIVE',
          lastEventSequence: 0,
        } as never);
        expect(await next.manager.countBy(Platform, { id: 'after-zombie' })).toBe(1);
      } finally {
        await next.close();
      }
    } finally {
      parent.kill('SIGKILL');
      await parentExited;
    }
  });

  (betterSqliteLoads() ? it : it.skip)(
    'lets a second process use a better-sqlite3 file beside a running owner',
    async () => {
      const file = join(dataDir, 'shared.sqlite');
      const holder = startProcess([...SCRIPT, file, 'better-sqlite3'], {});
      try {
        const [, id] = await waitForOutput(holder, /COMMITTED (\S+)/, 'the holder open');
        const second = new Database({ kind: 'sqlite', file, engine: 'better-sqlite3' });
        await second.open({ migrate: false });
        try {
          expect(await second.manager.findOneBy(Platform, { id })).toMatchObject({ name: 'durable' });
        } finally {
          await second.close();
        }
      } finally {
        holder.child.kill('SIGKILL');
        await holder.exited;
      }
    },
  );
});
