// The deployment check CI runs after `npm ci && npm run build`: the built server, started as a
// team would start it in production (NODE_ENV=production, MySQL, Redis), must serve GraphQL,
// subscriptions and /metrics, expose no sandbox, create no demo platform, print no secret, and
// stop cleanly on SIGTERM. Needs DATABASE_URL and REDIS_URL. Exits non-zero on the first failure.
const { spawn, execFileSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { createServer } = require('node:net');
const { join } = require('node:path');

const root = join(__dirname, '..');
const { DATABASE_URL, REDIS_URL } = process.env;
if (!DATABASE_URL || !REDIS_URL) {
  console.error('smoke-production: DATABASE_URL and REDIS_URL are required');
  process.exit(2);
}

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function check(condition, what) {
  if (!condition) throw new Error(`smoke-production: ${what}`);
  console.log(`ok - ${what}`);
}

async function waitFor(probe, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await probe()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`smoke-production: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function main() {
  const port = await freePort();
  const metricsToken = randomBytes(16).toString('hex');
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    DATA_KEY: randomBytes(32).toString('hex'),
    DATABASE_URL,
    REDIS_URL,
    JOB_QUEUE: `paygraph-smoke-${randomBytes(4).toString('hex')}`,
    PORT: String(port),
    HOST: '127.0.0.1',
    METRICS_TOKEN: metricsToken,
    LOG_LEVEL: 'info',
  };
  const migrated = JSON.parse(execFileSync('node', [join(root, 'bin', 'paygraph.js'), 'migrate'], { env }).toString());
  check(Array.isArray(migrated.applied), 'the built CLI migrates the database');

  const server = spawn('node', [join(root, 'dist', 'src', 'main.js')], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  server.stdout.on('data', (chunk) => (output += chunk));
  server.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => server.once('exit', (code, signal) => resolve({ code, signal })));
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor(async () => (await fetch(`${base}/healthz`)).ok, 'the built server to answer /healthz');
    check(true, 'npm run build produced a server that starts with NODE_ENV=production on MySQL and Redis');
    const ready = await fetch(`${base}/readyz`);
    const readiness = await ready.json();
    check(
      ready.status === 200 && readiness.checks.database === 'ok' && readiness.checks.redis === 'ok',
      '/readyz checks the database and Redis',
    );
    check(
      (await fetch(`${base}/sandbox/cashier/_admin/faults`, { method: 'PUT' })).status === 404,
      'no sandbox routes in production',
    );

    const platform = JSON.parse(
      execFileSync('node', [join(root, 'bin', 'paygraph.js'), 'platform:create', '--name', 'Smoke Test'], {
        env,
      }).toString(),
    );
    const gql = (query, token = platform.apiKey) =>
      fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query }),
      });
    const viewer = await (await gql('{ viewer { kind platform { name } } }')).json();
    check(viewer.data?.viewer?.platform?.name === 'Smoke Test', 'an authenticated query answers');
    check((await gql('{ viewer { kind } }', 'pgk_not_a_key')).status === 401, 'a wrong key is 401');
    const demo = await (await gql('{ clients(first: 1) { nodes { id } } }')).json();
    check(Array.isArray(demo.data?.clients?.nodes), 'the platform sees its own (empty) clients');

    const { createClient } = require('graphql-ws');
    const WebSocket = require('ws');
    const client = createClient({
      url: `ws://127.0.0.1:${port}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${platform.apiKey}` },
      retryAttempts: 0,
      on: { closed: (event) => (closeCode = event.code) },
    });
    const subscription = client.iterate({ query: 'subscription { transactionUpdated { event { cursor } } }' });
    let closeCode;
    const first = subscription.next().catch((error) => error);
    await waitFor(
      async () => (await (await fetch(`${base}/healthz`)).json()).subscriptions > 0,
      'the graphql-ws subscription to be live',
    );
    check(true, 'a graphql-ws subscription is accepted and live');

    const unauthorized = await fetch(`${base}/metrics`);
    check(unauthorized.status === 401, '/metrics needs METRICS_TOKEN');
    const metrics = await (
      await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })
    ).text();
    check(
      /paygraph_graphql_requests_total\{[^}]*\} \d/.test(metrics) && /paygraph_live_subscriptions [1-9]/.test(metrics),
      '/metrics serves request counts and live subscriptions',
    );

    server.kill('SIGTERM');
    const { code, signal } = await Promise.race([
      exited,
      new Promise((resolve) => setTimeout(() => resolve({ code: 'timeout' }), 15_000)),
    ]);
    check(code === 0, `SIGTERM stops the server cleanly (exit ${code ?? signal})`);
    await first;
    // 1001 (going away) and 1012 (service restart) are codes standard clients reconnect on,
    // resuming with `after:` against another instance.
    check(
      [1001, 1012].includes(closeCode),
      `SIGTERM closes graphql-ws sockets with a reconnectable code (${closeCode})`,
    );
    await client.dispose();
    check(!/pgk_[A-Za-z0-9_]{20,}/.test(output), 'no API key or other secret in the output');
    check(!/demo platform/i.test(output), 'no demo platform in production');
  } finally {
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
  }
}

main().then(
  () => console.log('smoke-production: all checks passed'),
  (error) => {
    console.error(error.message);
    process.exit(1);
  },
);
