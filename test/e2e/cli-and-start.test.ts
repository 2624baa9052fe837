import { CheckoutAction } from '../../src/domain/enums';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabases } from '../support/databases';
import { graphqlData } from '../support/graphql-client';
import { Vendor } from '../../src/domain/enums';
import { createLogger } from '../../src/logging/logger';
import { CashierAdapter } from '../../src/providers/cashier/adapter';
import { VendorHttpClient } from '../../src/providers/http-client';
import { betterSqliteLoads } from '../../src/db/sqlite-engine';
import { PROJECT_ROOT, runCli, startProcess, waitForOutput } from '../support/processes';

describe.each(testDatabases())('operator CLI on $name', (database) => {
  let env: NodeJS.ProcessEnv;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'paygraph-cli-'));
    const { settings, drop } = await database.create();
    env = {
      DATA_DIR: dataDir,
      DATA_KEY: 'b'.repeat(64),
      ...(settings.kind === 'mysql' ? { DATABASE_URL: settings.url } : {}),
    };
    cleanup = async () => {
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    };
  });

  afterAll(async () => {
    await cleanup?.();
  });

  it('migrates, creates platforms and keys, and sets up the demo, printing JSON', async () => {
    const migrated = await runCli(['migrate'], env);
    expect(migrated.code).toBe(0);
    expect(migrated.json).toEqual({ database: database.name, applied: expect.any(Array) });

    const platform = await runCli(['platform:create', '--name', 'Acme Pay'], env);
    expect(platform.code).toBe(0);
    expect(platform.json).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Acme Pay',
      apiKey: expect.stringMatching(/^pgk_/),
    });

    const key = await runCli(['apikey:create', '--platform', platform.json.id, '--label', 'ci'], env);
    expect(key.code).toBe(0);
    expect(key.json).toMatchObject({ platformId: platform.json.id, apiKey: expect.stringMatching(/^pgk_/) });

    const demo = await runCli(['demo'], env);
    expect(demo.json).toMatchObject({ created: true, apiKey: expect.stringMatching(/^pgk_/) });
    const again = await runCli(['demo'], env);
    expect(again.json).toMatchObject({ id: demo.json.id, created: false, apiKey: null });
  });

  it('fails with a JSON error and a non-zero exit on bad input', async () => {
    const missing = await runCli(['apikey:create', '--platform', '01a2007a-456d-7000-a8dd-a96e4c3288eb'], env);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stderr.trim().split('\n').pop() ?? '{}')).toEqual({ error: 'Platform not found' });
    const badConfig = await runCli(['migrate'], { ...env, PORT: 'not-a-port' });
    expect(badConfig.code).toBe(1);
    expect(badConfig.stderr).toMatch(/PORT/);
  });
});

describe('npm start on the embedded default', () => {
  it('creates the demo platform on first start, prints a working key and curl example, and restarts cleanly', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'paygraph-start-'));
    const env = { PORT: '0', DATA_DIR: dataDir };
    try {
      const first = startProcess(['-r', '@swc-node/register', 'src/main.ts'], env);
      try {
        const [, url] = await waitForOutput(first, /Playground: +(http:\/\/localhost:\d+)\//, 'the start banner');
        const [, apiKey] = await waitForOutput(first, /"Authorization": "Bearer (pgk_[^"]+)"/, 'the demo key');
        expect(first.stdout()).toMatch(/curl -s http:\/\/localhost:\d+\/graphql/);
        const data = await graphqlData(url, '{ viewer { platform { name } } clients { nodes { name } } }', {}, apiKey);
        expect(data.viewer.platform.name).toBe('demo');
        expect(data.clients.nodes.length).toBeGreaterThan(0);
        const playground = await fetch(`${url}/`);
        expect(await playground.text()).toContain('graphiql.min.js');
        // The first-start warning about DATA_KEY is logged, the key itself never is.
        expect(first.stdout()).toMatch(/generated a development key/);
        // The CLI works on the same embedded database while the server runs (SQLite's own locking).
        if (betterSqliteLoads()) {
          const beside = await runCli(['platform:create', '--name', 'Beside the server'], env);
          expect([beside.code, beside.json?.name]).toEqual([0, 'Beside the server']);
          const fromServer = await graphqlData(url, '{ viewer { kind } }', {}, beside.json.apiKey);
          expect(fromServer.viewer.kind).toBe('PLATFORM');
        }
      } finally {
        expect(await first.stop()).toBe(0);
      }
      const second = startProcess(['-r', '@swc-node/register', 'src/main.ts'], env);
      try {
        await waitForOutput(second, /demo platform exists/, 'the second start');
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('npx paygraph sandbox cashier', () => {
  it('runs the cashier emulator on its own port, usable by any client', async () => {
    const running = startProcess(
      [join(PROJECT_ROOT, 'bin', 'paygraph.js'), 'sandbox', 'cashier', '--port', '0', '--merchant', 'M9'],
      {},
    );
    try {
      await waitForOutput(running, /\n}\n$/, 'the sandbox to print its address');
      const started = JSON.parse(running.stdout());
      expect(started).toMatchObject({ vendor: 'cashier', merchant: { merid: 'M9' } });
      const config = {
        vendor: Vendor.CASHIER,
        baseUrl: started.baseUrl,
        secrets: { signKey: started.merchant.signKey },
        options: { merchantId: 'M9' },
      };
      const adapter = new CashierAdapter(new VendorHttpClient(createLogger('silent')));
      const checkout = adapter.buildCheckout(config, {
        orderNo: 'STANDALONE0001',
        amountFen: 4200,
        action: CheckoutAction.ALIPAY,
        backUrl: 'http://127.0.0.1:9/never-called',
      });
      const page = await fetch(checkout.url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('¥42.00');
      const queried = await adapter.query(config, 'STANDALONE0001');
      expect(queried).toMatchObject({ kind: 'found', response: { respcode: '00', resultcode: '1001', txnamt: 4200 } });
      expect(await adapter.query(config, 'NOSUCHORDER01')).toMatchObject({ kind: 'refused', respcode: '14' });
    } finally {
      await running.stop();
    }
  });
});
