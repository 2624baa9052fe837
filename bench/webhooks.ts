import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTarget, stopTarget } from './target';
import { percentile } from './percentile';

export interface WebhookBenchResult {
  label: string;
  backlog: number;
  /** Deliveries per second while a backlog of `backlog` events drains. */
  drainPerSecond: number;
  rate: number;
  paced: number;
  received: number;
  /** Commit (the event's occurredAt) to the receiver's read of the request, at `rate`. */
  p50: number;
  p99: number;
  max: number;
}

async function post(port: number, path: string): Promise<unknown> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST' });
  return response.json();
}

/**
 * Webhook deliveries to a receiver on loopback (in this process, answering 200 at once):
 * 1. throughput: BACKLOG events committed first, then an endpoint handed all of them; the rate
 *    at which they are delivered (dispatch, sign, POST, record);
 * 2. latency: events committed at `rate` per second for `seconds`; from each event's commit
 *    (its occurredAt) to its arrival at the receiver.
 */
export async function measureWebhooks(
  label: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { backlog: number; rate: number; seconds: number },
): Promise<WebhookBenchResult> {
  const arrivals = new Map<number, number>();
  const latencies: number[] = [];
  let pacedFrom = Infinity;
  const receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const now = Date.now();
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { sequence: number; occurredAt: string };
      if (!arrivals.has(body.sequence)) {
        arrivals.set(body.sequence, now);
        if (body.sequence >= pacedFrom) latencies.push(now - Date.parse(body.occurredAt));
      }
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  const target = await startTarget(['app', ...args], { env: { ...env, BENCH_WEBHOOKS: '1' }, profile: true });
  try {
    await post(target.control, `/emit?n=${options.backlog}`);
    const started = Date.now();
    const { backlog } = (await post(target.control, `/webhook?url=${encodeURIComponent(receiverUrl)}`)) as {
      backlog: number;
    };
    await until(() => arrivals.size >= backlog, 120_000);
    const drained = Math.max(...arrivals.values());
    const drainPerSecond = backlog / ((drained - started) / 1000);

    pacedFrom = backlog + 1;
    const paced = Math.round(options.rate * options.seconds);
    const interval = 1000 / options.rate;
    const begin = performance.now();
    const emits: Array<Promise<unknown>> = [];
    for (let n = 0; n < paced; n += 1) {
      const due = begin + n * interval;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      emits.push(post(target.control, '/emit'));
    }
    await Promise.all(emits);
    await until(() => latencies.length >= paced, 60_000).catch(() => undefined);
    latencies.sort((a, b) => a - b);
    return {
      label,
      backlog,
      drainPerSecond,
      rate: options.rate,
      paced,
      received: latencies.length,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? NaN,
    };
  } finally {
    await stopTarget(target);
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  }
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('webhook bench: timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
