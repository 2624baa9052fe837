import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WalSync } from '../../src/db/wal-sync';

describe('WalSync', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'paygraph-walsync-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('never lets a commit ride on a sync that started before it, and lets commits share the next one', async () => {
    const file = join(dir, 'shared-wal');
    writeFileSync(file, 'frames');
    const wal = new WalSync(file);
    const finished: string[] = [];
    const first = wal.sync();
    // Two commits while the first sync runs: both wait for one more sync, the same one.
    const second = wal.sync();
    const third = wal.sync();
    expect(third).toBe(second);
    expect(second).not.toBe(first);
    void first.then(() => finished.push('first'));
    void second.then(() => finished.push('second'));
    await Promise.all([first, second]);
    expect(finished).toEqual(['first', 'second']);
    // Once idle, the next commit starts a sync of its own at once.
    const later = wal.sync();
    expect(later).not.toBe(second);
    await later;
    await wal.close();
  });

  it('has nothing to sync before the log exists', async () => {
    const wal = new WalSync(join(dir, 'not-yet-wal'));
    await expect(wal.sync()).resolves.toBeUndefined();
    await wal.close();
  });
});
