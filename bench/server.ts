import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, type AppConfig } from '../src/config/config';
import { createLogger } from '../src/logging/logger';
import { Vendor } from '../src/domain/enums';
import { WebhookEndpoint } from '../src/entities';
import { createRuntime, type Runtime } from '../src/runtime';
import { insertTransaction, seedPlatform } from '../test/support/fixtures';
import { exitOnSigterm, targetDatabase } from './target-database';

/**
 * One benchmark target, run in its own process so the load generator (the parent) does not
 * share its event loop. Prints `READY <port> <apiKey>` when it can take traffic.
 *   raw              node:http reading the request body and returning a small JSON body (the baseline)
 *   app sqlite       paygraph on an embedded SQLite file
 *   app mysql <url>  paygraph on a fresh MySQL database
 * An app target also prints the port of a control server of the bench's own, beside the API:
 *   POST /emit   commits one status event visible platform-wide (a new transaction); ?n= commits n
 *   POST /webhook?url=<receiver>  makes an endpoint that is handed the whole log so far (the
 *                backlog) and everything after; answers { backlog } (BENCH_WEBHOOKS=1)
 *   GET  /state  { subscriptions, rssBytes } after a garbage collection (when --expose-gc)
 */
async function main(): Promise<void> {
  const [mode, kind, url] = process.argv.slice(2);
  if (mode === 'raw') {
    const body = JSON.stringify({ data: { viewer: { kind: 'PLATFORM' } } });
    // Reads the request body before answering, as every real server must: the fair floor.
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      });
    });
    server.listen(0, '127.0.0.1', () => console.log(`READY ${(server.address() as AddressInfo).port} -`));
    return;
  }
  const { database, cleanUp } = targetDatabase(kind, url, 'pg-bench-');
  // BENCH_PAYOUTS=1: the Yunzhanghu sandbox in-process, configured for the platform, and a
  // Server-Timing header on every answer (our time, vendor time, statements, transactions).
  const payouts = process.env.BENCH_PAYOUTS === '1';
  // BENCH_WEBHOOKS=1: webhooks to the bench's own loopback receiver (http, loopback: allowed
  // here only), on Redis's BullMQ queue when BENCH_REDIS_URL is set.
  const webhooks = process.env.BENCH_WEBHOOKS === '1';
  const config: AppConfig = {
    ...loadConfig({
      NODE_ENV: 'production',
      DATA_KEY: randomBytes(32).toString('hex'),
      ...(payouts ? { SANDBOX: '1', SERVER_TIMING: '1' } : {}),
    }),
    database,
    logLevel: 'warn',
  };
  if (webhooks) {
    config.webhooks = { ...config.webhooks, allowLoopback: true, requireHttps: false };
    if (process.env.BENCH_REDIS_URL) {
      config.redisUrl = process.env.BENCH_REDIS_URL;
      config.jobQueue = `paygraph-bench-${randomBytes(4).toString('hex')}`;
    }
  }
  const runtime = await createRuntime(config, createLogger('warn'));
  const seeded = await seedPlatform(runtime.services, 'bench', 0);
  // Five clients in all, so that (d) reads a full page of five.
  for (const index of [3, 4, 5])
    await runtime.services.parties.createClient(seeded.platformId, {
      externalRef: `bench-${index}`,
      name: `Client ${index}`,
    });
  for (let n = 0; n < 50; n += 1) {
    await insertTransaction(runtime.services, seeded.platformId, {
      clientId: seeded.clientIds[n % 2],
      bizId: seeded.bizId,
      payerAccountId: seeded.clientAccountIds[n % 2],
      payeeAccountId: seeded.bizAccountId,
    });
  }
  const http = await runtime.startHttp(0, '127.0.0.1');
  if (payouts) {
    const dealer = runtime.sandboxes!.yunzhanghu.registerDealer({
      dealerId: 'bench-dealer',
      brokerId: 'bench-broker',
      notifyUrl: `${http.url}/callbacks/yunzhanghu/${seeded.platformId}`,
      balancesFen: { bankCard: 1_000_000_000_000 },
    });
    await runtime.services.providerConfigs.configure(
      { platformId: seeded.platformId },
      {
        vendor: Vendor.YUNZHANGHU,
        baseUrl: `${http.url}/sandbox/yunzhanghu`,
        credentials: { appKey: dealer.appKey, des3Key: dealer.des3Key },
        options: { dealerId: 'bench-dealer', brokerId: 'bench-broker' },
      },
    );
  }
  const control = await startControl(runtime, seeded.platformId, seeded.clientIds[0]);
  console.log(`READY ${http.port} ${seeded.apiKey} ${control}`);
  exitOnSigterm(runtime, cleanUp);
}

async function startControl(runtime: Runtime, platformId: string, clientId: string): Promise<number> {
  const server = createServer((req, res) => {
    const answer = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? '/', 'http://control');
    if (req.method === 'POST' && url.pathname === '/emit') {
      void (async () => {
        const ids = [];
        for (let n = 0; n < Number(url.searchParams.get('n') ?? 1); n += 1)
          ids.push(
            await insertTransaction(runtime.services, platformId, {
              clientId,
              bizId: null,
              payerAccountId: null,
              payeeAccountId: null,
            }),
          );
        answer({ id: ids[0], count: ids.length });
      })();
      return;
    }
    if (req.method === 'POST' && url.pathname === '/webhook') {
      void startWebhooks(runtime, platformId, String(url.searchParams.get('url'))).then(answer);
      return;
    }
    (globalThis as { gc?: () => void }).gc?.();
    answer({ subscriptions: runtime.services.feeds.activeSubscriptions, rssBytes: process.memoryUsage().rss });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  return (server.address() as AddressInfo).port;
}

/** An endpoint at `url` handed the platform's whole log so far, and everything after it. */
async function startWebhooks(runtime: Runtime, platformId: string, url: string): Promise<{ backlog: number }> {
  const { endpoint } = await runtime.services.webhooks.endpoints.create({ platformId }, { url, eventTypes: [] });
  const backlog = endpoint.dispatchedSequence;
  await runtime.services.db.manager.update(WebhookEndpoint, endpoint.id, { dispatchedSequence: 0 });
  runtime.services.webhooks.dispatcher.notify([platformId]);
  return { backlog };
}

void main();
