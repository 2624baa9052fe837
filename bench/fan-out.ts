import { performance } from 'node:perf_hooks';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startTarget, stopTarget, type Target } from './target';
import { percentile } from './percentile';

export interface FanOutResult {
  subscribers: number;
  received: number;
  p50: number;
  p99: number;
  max: number;
  /** A mutation sent together with the event: how long it took to answer. */
  mutationMs: number;
  /** Server memory per idle subscriber (resident set, after a GC, minus the same with none). */
  kibPerSubscriber: number;
}

const SUBSCRIPTION = 'subscription { transactionUpdated { event { sequence toStatus } transaction { id status } } }';
/** Sockets opened at once while connecting; the server accepts them without a queue of thousands. */
const CONNECTING_AT_ONCE = 200;

function startFanOutTarget(): Promise<Target> {
  return startTarget(['app', 'sqlite'], { nodeFlags: ['--expose-gc'], profile: true });
}

async function state(target: Target): Promise<{ subscriptions: number; rssBytes: number }> {
  return (await fetch(`http://127.0.0.1:${target.control}/state`)).json() as Promise<{
    subscriptions: number;
    rssBytes: number;
  }>;
}

async function until(condition: () => Promise<boolean> | boolean, what: string, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`fan-out bench: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * One status event to N platform-wide `transactionUpdated` subscribers (graphql-ws, one socket
 * each, all with the platform's API key) on one embedded instance. Latency is from committing
 * the event to each subscriber receiving it; a mutation is sent at the same moment and timed.
 */
export async function measureFanOut(subscribers: number): Promise<FanOutResult> {
  const target = await startFanOutTarget();
  const sockets: Client[] = [];
  const receivedAt = new Map<number, number>();
  try {
    const idle = (await state(target)).rssBytes;
    for (let start = 0; start < subscribers; start += CONNECTING_AT_ONCE) {
      const batch: Array<Promise<void>> = [];
      for (let index = start; index < Math.min(subscribers, start + CONNECTING_AT_ONCE); index += 1) {
        const socket = createClient({
          url: `ws://127.0.0.1:${target.port}/graphql`,
          webSocketImpl: WebSocket,
          connectionParams: { authorization: `Bearer ${target.apiKey}` },
          retryAttempts: 0,
        });
        sockets.push(socket);
        batch.push(
          new Promise((resolve) => {
            socket.on('connected', () => resolve());
            socket.subscribe(
              { query: SUBSCRIPTION },
              {
                next: () => {
                  if (!receivedAt.has(index)) receivedAt.set(index, performance.now());
                },
                error: () => undefined,
                complete: () => undefined,
              },
            );
          }),
        );
      }
      await Promise.all(batch);
    }
    await until(async () => (await state(target)).subscriptions === subscribers, 'every subscription');
    const withSubscribers = (await state(target)).rssBytes;
    // When profiling, quiet gaps around the fan-out mark its window in the profile's timeline.
    const gap = () => new Promise((resolve) => setTimeout(resolve, process.env.BENCH_PROFILE ? 2_000 : 0));
    await gap();

    const sentAt = performance.now();
    const emitted = fetch(`http://127.0.0.1:${target.control}/emit`, { method: 'POST' });
    const mutation = fetch(`http://127.0.0.1:${target.port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${target.apiKey}` },
      body: JSON.stringify({
        query: 'mutation($input: CreateClientInput!) { createClient(input: $input) { __typename } }',
        variables: { input: { externalRef: `fan-out-${subscribers}`, name: 'During the fan-out' } },
      }),
    }).then(() => performance.now() - sentAt);
    await emitted;
    const mutationMs = await mutation;
    await until(() => receivedAt.size === subscribers, 'every delivery', 60_000).catch(() => undefined);
    await gap();
    const latencies = [...receivedAt.values()].map((at) => at - sentAt).sort((a, b) => a - b);
    return {
      subscribers,
      received: receivedAt.size,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? NaN,
      mutationMs,
      kibPerSubscriber: (withSubscribers - idle) / 1024 / subscribers,
    };
  } finally {
    await Promise.all(sockets.map((socket) => socket.dispose()));
    await stopTarget(target);
  }
}
