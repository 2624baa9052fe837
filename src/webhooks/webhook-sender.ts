import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { guardedLookup, refusedAddress, RefusedTargetError, type TargetPolicy } from './target-guard';

/** Only a 2xx within this long counts as delivered. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** At most this much of an answer is read, and then thrown away: never stored, never logged. */
export const MAX_ANSWER_BYTES = 64 * 1024;

export interface WebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

export interface WebhookAnswer {
  delivered: boolean;
  /** Null when no answer came (refused, timed out, blocked). */
  statusCode: number | null;
  latencyMs: number;
  /** Why it did not count as delivered, in our words; never the answer's body. */
  error: string | null;
}

/**
 * POSTs webhook bodies. Keep-alive agents (a busy endpoint gets a handful of warm connections),
 * the target guard on every new connection, no redirects followed (a 3xx is a failed
 * delivery: a redirect could lead anywhere), 10 s for the whole exchange, answer bodies read up
 * to a cap and discarded.
 */
export class WebhookSender {
  private readonly agents: { http: http.Agent; https: https.Agent };

  constructor(
    private readonly policy: TargetPolicy,
    private readonly timeoutMs = DELIVERY_TIMEOUT_MS,
  ) {
    const options = { keepAlive: true, maxSockets: 32, lookup: guardedLookup(policy) };
    this.agents = { http: new http.Agent(options), https: new https.Agent(options) };
  }

  async send(request: WebhookRequest): Promise<WebhookAnswer> {
    const started = performance.now();
    const answer = (statusCode: number | null, error: string | null): WebhookAnswer => ({
      delivered: error === null && statusCode !== null && statusCode >= 200 && statusCode < 300,
      statusCode,
      latencyMs: Math.round(performance.now() - started),
      error,
    });
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return answer(null, 'the endpoint URL is invalid');
    }
    // A literal IP address is connected to without a lookup, so it is checked here.
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const refused = isIP(host) !== 0 ? refusedAddress(host, this.policy) : undefined;
    if (refused) return answer(null, `refused: the endpoint points at ${refused}`);
    try {
      const statusCode = await this.post(url, request);
      if (statusCode >= 300 && statusCode < 400) return answer(statusCode, 'redirects are not followed');
      return answer(statusCode, statusCode >= 200 && statusCode < 300 ? null : `answered ${statusCode}`);
    } catch (error) {
      return answer(null, describeFailure(error, this.timeoutMs));
    }
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private post(url: URL, request: WebhookRequest): Promise<number> {
    return new Promise((resolve, reject) => {
      const transport = url.protocol === 'https:' ? https : http;
      const agent = url.protocol === 'https:' ? this.agents.https : this.agents.http;
      const outgoing = transport.request(url, {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(request.body),
          'user-agent': 'paygraph-webhooks/1',
          ...request.headers,
        },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      outgoing.on('response', (incoming) => {
        let read = 0;
        incoming.on('data', (chunk: Buffer) => {
          read += chunk.length;
          // Enough: the status code is all that counts, and a huge answer is not our problem.
          if (read > MAX_ANSWER_BYTES) incoming.destroy();
        });
        incoming.on('end', () => resolve(incoming.statusCode ?? 0));
        incoming.on('close', () => resolve(incoming.statusCode ?? 0));
        incoming.on('error', () => resolve(incoming.statusCode ?? 0));
      });
      outgoing.on('error', reject);
      outgoing.end(request.body);
    });
  }
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof RefusedTargetError) return `refused: ${error.message}`;
  const err = error as NodeJS.ErrnoException & { name?: string };
  if (err.name === 'AbortError' || err.name === 'TimeoutError' || err.code === 'ABORT_ERR')
    return `no answer within ${timeoutMs / 1000} s`;
  if (err.code === 'ECONNREFUSED') return 'connection refused';
  if (err.code === 'ECONNRESET') return 'connection reset';
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return 'the host name does not resolve';
  if (err.code === 'CERT_HAS_EXPIRED' || String(err.code ?? '').includes('CERT')) return 'TLS certificate refused';
  return `could not deliver (${err.code ?? 'network error'})`;
}
