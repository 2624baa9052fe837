import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, get as httpGet } from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { encodeClientToken } from '../src/auth/client-token-codec';
import { SecretBox } from '../src/crypto/secret-box';
import { seal } from '../src/providers/cashier/signing';
import { percentile } from './percentile';

export interface LatencyResult {
  label: string;
  subscribers: number;
  rate: number;
  sent: number;
  received: number;
  p50: number;
  p99: number;
  max: number;
  /** When the vendor got its answer: receipt, verification and commit, before any delivery. */
  ackP50: number;
  ackP99: number;
  sendSeconds: number;
  /** Server CPU (user + system) per callback, in ms, from the first send to the last delivery. */
  serverCpuMs: number;
}

interface Prepared {
  port: number;
  platformId: string;
  signKey: string;
  merchantId: string;
  payments: Array<{ orderNo: string; clientId: string; amountFen: number }>;
}

/** Starts one bench server process and waits for its READY; returns what it wrote. */
async function startServer(
  database: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; prepared: { port: number } }> {
  const scratch = mkdtempSync(join(tmpdir(), 'pg-cb-bench-'));
  const outFile = join(scratch, 'prepared.json');
  const child = spawn(
    process.execPath,
    [
      // BENCH_PROFILE=<dir> writes a CPU profile of the server, to see where the time goes.
      ...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []),
      '-r',
      '@swc-node/register',
      join(__dirname, 'callback-server.ts'),
      database[0],
      outFile,
      ...database.slice(1),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk) => String(chunk).includes('READY') && resolve());
    child.once('exit', (code) => reject(new Error(`callback bench target exited with ${code}`)));
  });
  const prepared = JSON.parse(readFileSync(outFile, 'utf8')) as { port: number };
  rmSync(scratch, { recursive: true, force: true });
  return { child, prepared };
}

/**
 * Callback → subscriber latency: SUBSCRIBERS mobile apps (client tokens, one graphql-ws socket
 * each) watch their own payments while signed cashier back notifications arrive at RATE per
 * second. Latency is from sending the callback to the subscriber receiving the event; every
 * event sent is expected exactly once.
 */
export async function measureCallbackLatency(
  label: string,
  rate: number,
  database: string[],
  env: NodeJS.ProcessEnv = {},
  instances = 1,
): Promise<LatencyResult> {
  const subscribers = Number(process.env.BENCH_CLIENTS ?? 1000);
  const dataKey = randomBytes(32).toString('hex');
  const childEnv = {
    ...process.env,
    ...env,
    NODE_ENV: 'production',
    DATA_KEY: dataKey,
    BENCH_CLIENTS: String(subscribers),
  };
  const first = await startServer(database, childEnv);
  const children = [first.child];
  const prepared = first.prepared as Prepared;
  // Further instances on the same MySQL and Redis; subscribers and callbacks are spread over
  // all of them, as a load balancer would.
  const ports = [prepared.port];
  for (let n = 1; n < instances; n += 1) {
    const other = await startServer(database, { ...childEnv, BENCH_SECONDARY: '1' });
    children.push(other.child);
    ports.push(other.prepared.port);
  }
  const tokenKey = new SecretBox(Buffer.from(dataKey, 'hex')).deriveKey('client-token');
  const iat = Math.floor(Date.now() / 1000);
  const clientIds = [...new Set(prepared.payments.map((payment) => payment.clientId))];
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const ackLatencies: number[] = [];
  // The first callbacks warm the server up (JIT, pools, caches): counted for loss, not timed.
  const warmup = Math.min(Number(process.env.BENCH_WARMUP ?? 500), Math.floor(prepared.payments.length / 2));
  const timed = new Set(prepared.payments.slice(warmup).map((payment) => payment.orderNo));
  let received = 0;
  const sockets: Client[] = [];
  for (const [index, clientId] of clientIds.entries()) {
    const token = encodeClientToken({ platformId: prepared.platformId, clientId, iat, exp: iat + 3600 }, tokenKey);
    const socket = createClient({
      url: `ws://127.0.0.1:${ports[index % ports.length]}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    socket.subscribe(
      { query: 'subscription { transactionUpdated { event { entityId toStatus } } }' },
      {
        next: (value) => {
          const data = value.data as { transactionUpdated: { event: { entityId: string } } };
          const entityId = Buffer.from(data.transactionUpdated.event.entityId, 'base64url').toString().split(':')[1];
          const orderNo = entityId.replace(/-/g, '');
          const started = sentAt.get(orderNo);
          if (started !== undefined && timed.has(orderNo)) latencies.push(performance.now() - started);
          received += 1;
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
    sockets.push(socket);
  }
  // Wait until the servers hold every subscription.
  for (let waited = 0; ; waited += 50) {
    let held = 0;
    for (const port of ports) {
      const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { subscriptions: number };
      held += health.subscriptions;
    }
    if (held >= clientIds.length) break;
    if (waited > 60_000) throw new Error(`only ${held} subscriptions after 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // A bounded keep-alive pool, as a vendor's notifier would use; unbounded sockets only
  // measure the load generator's connect timeouts.
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  // Signed up front: signing is the vendor's work, and done in the timed loop it only delayed
  // this single-threaded load generator (and so the latencies it measures).
  const paths = prepared.payments.map((payment, index) => {
    const { payload, sign } = seal(
      {
        resultcode: '0000',
        resultmsg: '交易成功',
        queryid: `Q${index}`,
        txnamt: payment.amountFen,
        merid: prepared.merchantId,
        orderid: payment.orderNo,
        paytime: '2026-11-22 08:00:00',
      },
      prepared.signKey,
    );
    return `/callbacks/cashier/${prepared.platformId}?resp=${encodeURIComponent(payload)}&sign=${sign}`;
  });
  const serversCpuMs = () => children.reduce((sum, child) => sum + processCpuMs(child.pid), 0);
  const cpuBefore = serversCpuMs();
  const started = performance.now();
  const sends: Array<Promise<unknown>> = [];
  for (let index = 0; index < prepared.payments.length; index += 1) {
    const payment = prepared.payments[index];
    const due = started + (index * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const sent = performance.now();
    sentAt.set(payment.orderNo, sent);
    sends.push(
      get(agent, ports[index % ports.length], paths[index]).then(() => {
        if (timed.has(payment.orderNo)) ackLatencies.push(performance.now() - sent);
      }),
    );
  }
  await Promise.all(sends);
  agent.destroy();
  const sendSeconds = (performance.now() - started) / 1000;
  for (let waited = 0; received < sentAt.size && waited < 15_000; waited += 50)
    await new Promise((resolve) => setTimeout(resolve, 50));
  const serverCpuMs = (serversCpuMs() - cpuBefore) / sentAt.size;
  await Promise.all(sockets.map((socket) => socket.dispose()));
  await Promise.all(
    children.map((child) => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      return exited;
    }),
  );
  latencies.sort((a, b) => a - b);
  ackLatencies.sort((a, b) => a - b);
  return {
    label,
    subscribers: clientIds.length,
    rate,
    sent: sentAt.size,
    received,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? NaN,
    ackP50: percentile(ackLatencies, 50),
    ackP99: percentile(ackLatencies, 99),
    sendSeconds,
    serverCpuMs,
  };
}

function get(agent: Agent, port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = httpGet({ host: '127.0.0.1', port, path, agent }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve(body));
    });
    request.on('error', reject);
  });
}

/** CPU time (user + system) a process has used so far, from /proc (Linux), in ms. */
function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime are fields 14 and 15 of the stat line, in clock ticks (100 per second).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}
