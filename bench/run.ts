import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { createConnection } from 'mysql2/promise';
import { measureCallbackLatency } from './callback-latency';
import { measureFanOut } from './fan-out';
import { measurePayoutOverhead } from './payout-overhead';
import { startTarget, stopTarget } from './target';
import { measureWebhooks } from './webhooks';

/**
 * `npm run bench`: requests per second and latency of paygraph against a raw node:http
 * baseline measured in the same run, printed as ratios (absolute numbers vary by machine;
 * ratios much less). Never used as a pass/fail test.
 */
/** BENCH_QUICK=1: short runs, one callback rate and 1,000 subscribers (under 3 minutes). */
const QUICK = process.env.BENCH_QUICK === '1';
const SECONDS = Number(process.env.BENCH_SECONDS ?? (QUICK ? 3 : 10));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);

const SMALL_QUERY = '{ viewer { kind } }';
const SMALL_READ_QUERY = '{ clients(first: 5) { nodes { id name } } }';
const NESTED_QUERY = `{ transactions(first: 50) { nodes { id amount { yuan }
  client { id name accounts { nodes { id balance { fen } accountType { id kind name } } } } } } }`;

interface Measured {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function measure(
  name: string,
  port: number,
  request: { method: 'GET' | 'POST'; path: string; headers?: Record<string, string>; body?: string },
): Promise<Measured> {
  const options = {
    url: `http://127.0.0.1:${port}${request.path}`,
    connections: CONNECTIONS,
    method: request.method,
    headers: request.headers,
    body: request.body,
  };
  await autocannon({ ...options, duration: QUICK ? 1 : 2 }); // warm-up: JIT, caches, pool connections
  const result = await autocannon({ ...options, duration: SECONDS });
  return {
    name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

function graphqlRequest(apiKey: string, query: string) {
  return {
    method: 'POST' as const,
    path: '/graphql',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query }),
  };
}

async function appScenarios(label: string, args: string[]): Promise<Measured[]> {
  const target = await startTarget(args);
  try {
    return [
      await measure(`(b) small authenticated query, ${label}`, target.port, graphqlRequest(target.apiKey, SMALL_QUERY)),
      await measure(`(d) clients(first: 5), ${label}`, target.port, graphqlRequest(target.apiKey, SMALL_READ_QUERY)),
      await measure(`(c) nested list, 50 rows, ${label}`, target.port, graphqlRequest(target.apiKey, NESTED_QUERY)),
    ];
  } finally {
    await stopTarget(target);
  }
}

/** Runs `work` against a new, empty MySQL database next to the one in `url`, then drops it. */
async function withFreshMysql<T>(url: string, work: (databaseUrl: string) => Promise<T>): Promise<T> {
  const name = `paygraph_bench_${randomBytes(4).toString('hex')}`;
  const admin = new URL(url);
  admin.pathname = '/';
  const run = async (sql: string) => {
    const connection = await createConnection(admin.toString());
    await connection.query(sql);
    await connection.end();
  };
  await run(`CREATE DATABASE \`${name}\``);
  const databaseUrl = new URL(url);
  databaseUrl.pathname = `/${name}`;
  try {
    return await work(databaseUrl.toString());
  } finally {
    await run(`DROP DATABASE \`${name}\``);
  }
}

/** Prints rows under a header; the first column is left-aligned, the rest right-aligned. */
function printTable(columns: Array<[title: string, width: number]>, rows: string[][]): void {
  const line = (cells: string[]) =>
    cells.map((cell, index) => (index === 0 ? cell.padEnd(columns[0][1]) : cell.padStart(columns[index][1]))).join(' ');
  console.log(line(columns.map(([title]) => title)));
  for (const row of rows) console.log(line(row));
}

async function main(): Promise<void> {
  // BENCH_ONLY=requests|fanout|payouts|latency|webhooks runs one group (to iterate on one path).
  const only = process.env.BENCH_ONLY;
  if (!only || only === 'requests') await requestScenarios();
  if (!only || only === 'fanout') await fanOutScenarios();
  if (!only || only === 'payouts') await payoutScenarios();
  if (!only || only === 'latency') await latencyScenarios();
  if (!only || only === 'webhooks') await webhookScenarios();
}

async function webhookScenarios(): Promise<void> {
  const options = {
    backlog: Number(process.env.BENCH_WEBHOOK_BACKLOG ?? (QUICK ? 2000 : 5000)),
    rate: Number(process.env.BENCH_WEBHOOK_RATE ?? 200),
    seconds: QUICK ? 5 : 15,
  };
  const rows = [await measureWebhooks('embedded (SQLite, in-process jobs)', ['sqlite'], {}, options)];
  if (process.env.DATABASE_URL && process.env.REDIS_URL) {
    const redis = { BENCH_REDIS_URL: process.env.REDIS_URL };
    rows.push(
      await withFreshMysql(process.env.DATABASE_URL, (url) =>
        measureWebhooks('MySQL + Redis (BullMQ)', ['mysql', url], redis, options),
      ),
    );
  }
  console.log('\nwebhooks to a loopback receiver: a backlog drained, then events committed at a steady rate\n');
  printTable(
    [
      ['setup', 36],
      ['backlog', 8],
      ['deliv/s', 8],
      ['rate/s', 7],
      ['sent', 6],
      ['recv', 6],
      ['p50 ms', 8],
      ['p99 ms', 8],
      ['max ms', 8],
    ],
    rows.map((row) => [
      row.label,
      String(row.backlog),
      row.drainPerSecond.toFixed(0),
      String(row.rate),
      String(row.paced),
      String(row.received),
      String(row.p50),
      String(row.p99),
      String(row.max),
    ]),
  );
  console.log('\nTargets: >= 1,000 deliveries/s; p99 commit -> delivery <= 50 ms at 200 events/s.');
}

async function requestScenarios(): Promise<void> {
  const raw = await startTarget(['raw']);
  // The same request as (b), body and all: the raw server reads it too.
  const baseline = await measure('(a) raw node:http, reads the body', raw.port, graphqlRequest('-', SMALL_QUERY));
  await stopTarget(raw);
  const results = [baseline, ...(await appScenarios('SQLite', ['app', 'sqlite']))];
  if (process.env.DATABASE_URL) {
    results.push(
      ...(await withFreshMysql(process.env.DATABASE_URL, (url) => appScenarios('MySQL', ['app', 'mysql', url]))),
    );
  }
  console.log(`\npaygraph bench: ${SECONDS}s per scenario, ${CONNECTIONS} connections, node ${process.version}\n`);
  printTable(
    [
      ['scenario', 46],
      ['req/s', 9],
      ['p50 ms', 8],
      ['p99 ms', 8],
      ['ratio', 7],
      ['errors', 7],
    ],
    results.map((row) => [
      row.name,
      row.rps.toFixed(0),
      String(row.p50),
      String(row.p99),
      (row.rps / baseline.rps).toFixed(3),
      String(row.errors),
    ]),
  );
  console.log(
    '\nratio = req/s of the scenario / req/s of (a), measured in this run. Targets: (b) >= 0.5, (d) >= 0.35.',
  );
}

async function payoutScenarios(): Promise<void> {
  const calls = Number(process.env.BENCH_PAYOUT_CALLS ?? (QUICK ? 100 : 300));
  const rows = [await measurePayoutOverhead('SQLite', ['sqlite'], calls)];
  if (process.env.DATABASE_URL)
    rows.push(
      await withFreshMysql(process.env.DATABASE_URL, (url) => measurePayoutOverhead('MySQL', ['mysql', url], calls)),
    );
  console.log('\ncreatePayout: our own time per call, the vendor call subtracted (sequential calls)\n');
  printTable(
    [
      ['database', 10],
      ['calls', 6],
      ['p50 ms', 8],
      ['p99 ms', 8],
      ['vendor p50', 11],
      ['statements', 11],
      ['transactions', 13],
    ],
    rows.map((row) => [
      row.label,
      String(row.calls),
      row.p50.toFixed(1),
      row.p99.toFixed(1),
      row.vendorP50.toFixed(1),
      String(row.statements),
      String(row.transactions),
    ]),
  );
  console.log('\nTarget: p99 <= 5 ms on MySQL.');
}

async function fanOutScenarios(): Promise<void> {
  const counts = (process.env.BENCH_FANOUT ?? (QUICK ? '1000' : '1000,10000')).split(',').map(Number);
  const rows = [];
  for (const count of counts) rows.push(await measureFanOut(count));
  console.log('\nfan-out: one status event to N platform-wide subscribers on one embedded instance\n');
  printTable(
    [
      ['subscribers', 12],
      ['recv', 7],
      ['p50 ms', 8],
      ['p99 ms', 8],
      ['max ms', 8],
      ['mutation ms', 12],
      ['KiB/sub', 8],
    ],
    rows.map((row) => [
      String(row.subscribers),
      String(row.received),
      row.p50.toFixed(1),
      row.p99.toFixed(1),
      row.max.toFixed(1),
      row.mutationMs.toFixed(1),
      row.kibPerSubscriber.toFixed(1),
    ]),
  );
  console.log(
    '\nTargets at 10,000: p99 <= 250 ms, the mutation sent meanwhile <= 50 ms, <= 40 KiB per idle subscriber.',
  );
}

async function latencyScenarios(): Promise<void> {
  // The target rate last; the lower ones show up to where the latency target holds.
  const rates = (process.env.BENCH_CALLBACK_RATES ?? (QUICK ? '1000' : '250,500,1000')).split(',').map(Number);
  const latency = [];
  for (const rate of rates) {
    if (!process.env.BENCH_SKIP_EMBEDDED)
      latency.push(await measureCallbackLatency('embedded (SQLite, in-process bus)', rate, ['sqlite']));
    const redisUrl = process.env.REDIS_URL;
    if (process.env.DATABASE_URL && redisUrl) {
      // Several instances behind a (round-robin) balancer: the scale-out setup.
      for (const instances of (process.env.BENCH_INSTANCES ?? '1').split(',').map(Number)) {
        const label = instances === 1 ? 'MySQL + Redis' : `MySQL + Redis, ${instances} instances`;
        latency.push(
          await withFreshMysql(process.env.DATABASE_URL, (url) =>
            measureCallbackLatency(label, rate, ['mysql', url], { REDIS_URL: redisUrl }, instances),
          ),
        );
      }
    }
  }
  console.log(
    '\ncallback -> subscriber latency (signed cashier notifications, one client-token subscriber per client;\n' +
      `the first ${process.env.BENCH_WARMUP ?? 500} callbacks of each run warm up and are counted but not timed)\n`,
  );
  printTable(
    [
      ['setup', 36],
      ['subs', 6],
      ['rate/s', 7],
      ['sent', 6],
      ['recv', 6],
      ['lost', 5],
      ['p50 ms', 8],
      ['p99 ms', 8],
      ['max ms', 8],
      ['ack p50', 8],
      ['ack p99', 8],
      ['send s', 7],
      ['cpu ms', 7],
    ],
    latency.map((row) => [
      row.label,
      String(row.subscribers),
      String(row.rate),
      String(row.sent),
      String(row.received),
      String(row.sent - row.received),
      row.p50.toFixed(1),
      row.p99.toFixed(1),
      row.max.toFixed(1),
      row.ackP50.toFixed(1),
      row.ackP99.toFixed(1),
      row.sendSeconds.toFixed(1),
      row.serverCpuMs.toFixed(2),
    ]),
  );
  console.log(
    '\nTarget: p99 <= 10 ms with zero events lost. "ack" is when the notifier got its answer (stored and committed, before delivery).\n' +
      '"send s" above 1 s per 1000 callbacks means the server could not keep the rate; "cpu ms" is server CPU per callback.',
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
