import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabases } from '../support/databases';
import { graphqlData } from '../support/graphql-client';
import { PROJECT_ROOT, runCli, startProcess, waitForOutput, type RunningProcess } from '../support/processes';
import { waitFor } from '../support/wait-for';
import {
  CREATE_WEBHOOK_ENDPOINT,
  startWebhookReceiver,
  WEBHOOK_DELIVERIES,
  type WebhookReceiver,
} from '../support/webhook-receiver';

const INSTANCE = ['-r', '@swc-node/register', join(PROJECT_ROOT, 'test', 'support', 'instance.ts')];

const DISABLE = `mutation($id: ID!) { disableWebhookEndpoint(input: { id: $id }) { __typename } }`;

/**
 * The process dies (SIGKILL, no cleanup) after a webhook was sent and before its attempt was
 * recorded. On restart the delivery's lease runs out and it is sent again: delivered at least
 * once, never lost; the receiver deduplicates on the event id.
 */
describe.each(testDatabases())('a crash between sending a webhook and recording it, on $name', (database) => {
  let env: NodeJS.ProcessEnv;
  let receiver: WebhookReceiver;
  const running: RunningProcess[] = [];
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'paygraph-webhook-crash-'));
    const { settings, drop } = await database.create();
    env = {
      DATA_DIR: dataDir,
      DATA_KEY: 'e'.repeat(64),
      SANDBOX: 'off',
      LOG_LEVEL: 'warn',
      // A lease covers one whole attempt (timeout + 2 s): a crash is sent again after 3 s.
      WEBHOOK_LEASE_SECONDS: '1',
      WEBHOOK_TIMEOUT_SECONDS: '1',
      WEBHOOK_SWEEP_SECONDS: '0.1',
      ...(settings.kind === 'mysql' ? { DATABASE_URL: settings.url } : {}),
    };
    receiver = await startWebhookReceiver();
    cleanup = async () => {
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    };
  });

  afterAll(async () => {
    await Promise.all(running.map((process) => process.stop()));
    await receiver?.stop();
    await cleanup?.();
  });

  async function startInstance(extra: NodeJS.ProcessEnv = {}): Promise<{ process: RunningProcess; url: string }> {
    const instance = startProcess(INSTANCE, { ...env, ...extra });
    running.push(instance);
    const [, port] = await waitForOutput(instance, /READY (\d+)/, 'the instance');
    return { process: instance, url: `http://127.0.0.1:${port}` };
  }

  it('sends the event again after a restart', async () => {
    const { json } = await runCli(['platform:create', '--name', 'Crash Hooks'], env);
    const apiKey = json.apiKey as string;
    const first = await startInstance({ PAYGRAPH_FAILPOINTS: 'webhook-after-send' });
    const create = (url: string) =>
      graphqlData(first.url, CREATE_WEBHOOK_ENDPOINT, { input: { url } }, apiKey).then(
        (data) => data.createWebhookEndpoint.webhookEndpoint.id as string,
      );
    const listening = await create(receiver.url);
    const other = await create(`${receiver.url}/other`);
    // Disabling the other endpoint is an event, delivered to the listening one: then the crash.
    await graphqlData(first.url, DISABLE, { id: other }, apiKey).catch(() => undefined);
    await first.process.exited;
    expect(first.process.child.signalCode).toBe('SIGKILL');
    expect(receiver.received).toHaveLength(1);
    const sent = receiver.received[0].json;
    expect(sent).toMatchObject({ type: 'WEBHOOK_ENDPOINT', toStatus: 'DISABLED' });

    const second = await startInstance();
    await waitFor(() => receiver.received.length >= 2 || undefined, 'the webhook sent again', 15_000);
    expect(receiver.received.map((hook) => hook.json.id)).toEqual([sent.id, sent.id]);
    const page = await waitFor(async () => {
      const answer = await graphqlData(second.url, WEBHOOK_DELIVERIES, { endpointId: listening }, apiKey);
      return answer.webhookDeliveries.edges[0]?.node.status === 'DELIVERED' && answer;
    }, 'the delivery recorded');
    expect(page.webhookDeliveries.edges).toHaveLength(1);
    // The attempt cut short by the crash left no row; the one after it is the second.
    expect(page.webhookDeliveries.edges[0].node).toMatchObject({
      status: 'DELIVERED',
      attemptCount: 2,
      attempts: [{ number: 2, statusCode: 200 }],
    });
  });
});
