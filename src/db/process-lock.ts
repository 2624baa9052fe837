import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * An exclusive lock on a file that dies with its process: a Unix socket this process listens
 * on. The kernel closes it the moment the process exits, however it dies, even while its parent
 * has not reaped it yet (a recorded PID stays "alive" as a zombie until then). On Linux the
 * socket lives in the abstract namespace and leaves nothing on disk; elsewhere a socket file
 * left by a killed holder refuses connections, which is how it is known to be stale.
 */
export class ProcessLock {
  private constructor(
    private readonly server: Server,
    private readonly path: string,
  ) {}

  /** Takes the lock for `file`, or undefined when a live process holds it. */
  static async acquire(file: string): Promise<ProcessLock | undefined> {
    const path = socketPath(file);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const server = createServer((socket) => socket.end());
      const listened = await new Promise<NodeJS.ErrnoException | undefined>((done) => {
        server.once('error', done);
        server.listen(path, () => done(undefined));
      });
      if (!listened) {
        // The lock must never keep the process alive on its own.
        server.unref();
        return new ProcessLock(server, path);
      }
      if (listened.code !== 'EADDRINUSE') throw listened;
      if (await isAnswering(path)) return undefined;
      // A socket file whose holder died: nothing listens on it. (Abstract sockets never get here.)
      if (!path.startsWith('\0')) rmSync(path, { force: true });
    }
    return undefined;
  }

  async release(): Promise<void> {
    await new Promise<void>((done) => this.server.close(() => done()));
    if (!this.path.startsWith('\0')) rmSync(this.path, { force: true });
  }
}

function socketPath(file: string): string {
  const digest = createHash('sha256').update(resolve(file)).digest('hex').slice(0, 32);
  if (process.platform === 'linux') return `\0paygraph-sqlite-${digest}`;
  return join(tmpdir(), `paygraph-sqlite-${digest}.sock`);
}

function isAnswering(path: string): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}
