import type { IncomingMessage } from 'node:http';

export type ReadBody = { kind: 'ok'; body: Buffer } | { kind: 'too_large' } | { kind: 'aborted' };

/**
 * A request's raw body, up to `limit` bytes (what is over the limit is drained, not kept). A
 * client that goes away mid-body is `aborted`: normal network behaviour, which callers log at
 * debug level without a stack, so nobody can flood the error log by hanging up.
 */
export function readRequestBody(req: IncomingMessage, limit: number): Promise<ReadBody> {
  return new Promise((resolve) => {
    if (Number(req.headers['content-length']) > limit) {
      req.resume();
      resolve({ kind: 'too_large' });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? { kind: 'too_large' } : { kind: 'ok', body: Buffer.concat(chunks) }));
    // 'aborted' then 'error' (ECONNRESET) when the client hangs up; the first one settles.
    req.on('aborted', () => resolve({ kind: 'aborted' }));
    req.on('error', () => resolve({ kind: 'aborted' }));
    req.on('close', () => {
      if (!req.complete) resolve({ kind: 'aborted' });
    });
  });
}
