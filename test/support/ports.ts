import { createServer } from 'node:net';

/** A loopback port that was just freed: nothing listens there (fetch refuses well-known ports like 1 outright). */
export function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
