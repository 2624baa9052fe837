import { open, type FileHandle } from 'node:fs/promises';

/**
 * Makes embedded commits durable without blocking the event loop. better-sqlite3 is
 * synchronous: with `synchronous = FULL` every commit waited for its fsync on the main thread
 * (about 0.4 ms here, a quarter of the loop's time at 1,000 callbacks/s). Instead SQLite runs
 * with `synchronous = NORMAL` in WAL mode (a commit is written to the log, not synced) and
 * Database syncs the log from libuv's thread pool after each transaction, before it returns:
 * nothing is acknowledged before it is on disk. Transactions that commit while a sync runs
 * share the next one.
 *
 * On Linux an fsync covers the file's data whichever descriptor wrote it, so a descriptor of
 * our own on the `-wal` file syncs what SQLite wrote. A checkpoint that moves the log into the
 * database file syncs both itself (SQLite does that in NORMAL mode too).
 */
export class WalSync {
  private handle?: FileHandle;
  private running?: Promise<void>;
  private next?: Promise<void>;

  constructor(private readonly walFile: string) {}

  /** Resolves once everything committed before the call is on disk. */
  sync(): Promise<void> {
    if (!this.running) {
      this.running = this.syncNow().finally(() => (this.running = undefined));
      return this.running;
    }
    // The sync in flight may have started before this commit: wait for the one after it.
    this.next ??= this.running.then(
      () => this.startNext(),
      () => this.startNext(),
    );
    return this.next;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.running, this.next]);
    await this.handle?.close();
    this.handle = undefined;
  }

  private startNext(): Promise<void> {
    this.next = undefined;
    return this.sync();
  }

  private async syncNow(): Promise<void> {
    if (!this.handle) {
      try {
        this.handle = await open(this.walFile, 'r');
      } catch (error) {
        // No log yet: nothing has been committed to one, so there is nothing to sync.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
    }
    await this.handle.datasync();
  }
}
