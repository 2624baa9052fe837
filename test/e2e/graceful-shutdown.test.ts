import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { Vendor } from '../../src/domain/enums';
import { Payout } from '../../src/entities';
import { seal } from '../../src/providers/yunzhanghu/crypto';
import { insertPayout } from '../support/fixtures';
import { describeWithMysqlAndRedis, startTwoInstances, type TwoInstances } from '../support/two-instances';
import { waitFor } from '../support/wait-for';

const PAYOUTS = 120;
const KEYS = { appKey: 'graceful-app-key-0123456789abcdef', des3Key: '0123456789abcdefghijklmn' };

/**
 * SIGTERM under load: instance B receives a stream of signed vendor notifications and serves a
 * subscriber, and is told to stop in the middle. Every notification B acknowledged is committed;
 * the subscriber's socket is closed with a code it reconnects on, and resuming on instance A
 * with `after:` it receives every committed event exactly once, in order.
 */
describeWithMysqlAndRedis('graceful shutdown under load', () => {
  let instances: TwoInstances;
  let platformId: string;
  let apiKey: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    instances = await startTwoInstances();
    const services = instances.a.runtime.services;
    ({
      platform: { id: platformId },
      apiKey,
    } = await services.platforms.createPlatform('graceful'));
    await services.providerConfigs.configure(
      { platformId },
      {
        vendor: Vendor.YUNZHANGHU,
        baseUrl: 'http://127.0.0.1:1/unused',
        credentials: KEYS,
        options: { dealerId: 'graceful', brokerId: 'graceful' },
      },
    );
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await instances?.stop();
  });

  function subscribe(url: string, after: string | undefined, onEvent: (event: any) => void) {
    let closeCode: number | undefined;
    const client = createClient({
      url: url.replace(/^http/, 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${apiKey}` },
      retryAttempts: 0,
      on: { closed: (event) => (closeCode = (event as { code: number }).code) },
    });
    clients.push(client);
    client.subscribe(
      {
        query: `subscription($after: String) { payoutUpdated(after: $after) { event { cursor sequence toStatus } } }`,
        variables: { after },
      },
      {
        next: (value: any) => onEvent(value.data.payoutUpdated.event),
        error: () => undefined,
        complete: () => undefined,
      },
    );
    return { closeCode: () => closeCode };
  }

  it('commits every acknowledged callback, and a subscriber resumes on the other instance without a gap', async () => {
    const services = instances.a.runtime.services;
    const payouts: Array<{ id: string; orderNo: string }> = [];
    for (let i = 0; i < PAYOUTS; i += 1) payouts.push(await insertPayout(services, platformId, 1_000));
    const firstSequence = await services.eventLog.lastSequence(platformId);

    const seen: Array<{ cursor: string; sequence: number }> = [];
    const onB = subscribe(instances.urlB, undefined, (event) => seen.push(event));
    await waitFor(
      async () => ((await (await fetch(`${instances.urlB}/healthz`)).json()) as any).subscriptions > 0,
      'the subscription on B',
    );

    // A stream of notifications to B, a few in flight at a time; SIGTERM halfway through.
    const answers: Array<{ payoutId: string; acknowledged: boolean }> = [];
    let next = 0;
    const worker = async () => {
      while (next < payouts.length) {
        const payout = payouts[next++];
        const params = seal(
          {
            notify_id: `9${String(next).padStart(15, '0')}`,
            notify_time: '2026-12-01 12:00:00',
            data: { order_id: payout.orderNo, ref: `1053${next}`, pay: '10.00', status: 1, status_detail: 0 },
          },
          KEYS,
        );
        const acknowledged = await fetch(`${instances.urlB}/callbacks/yunzhanghu/${platformId}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(params as unknown as Record<string, string>),
        }).then(
          async (response) => response.status === 200 && (await response.text()) === 'success',
          () => false,
        );
        answers.push({ payoutId: payout.id, acknowledged });
        if (answers.length === PAYOUTS / 2) instances.b.child.kill('SIGTERM');
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    expect(await instances.b.exited).toBe(0);
    expect(answers.filter((answer) => answer.acknowledged).length).toBeGreaterThanOrEqual(PAYOUTS / 2);

    // Every acknowledged callback is committed.
    for (const answer of answers.filter((each) => each.acknowledged)) {
      const row = await services.db.manager.findOneByOrFail(Payout, { id: answer.payoutId });
      expect([answer.payoutId, row.status]).toEqual([answer.payoutId, 'SUCCEEDED']);
    }

    // B closed the socket with a code clients reconnect on; resume on A after the last cursor.
    await waitFor(() => onB.closeCode() !== undefined, 'the socket on B to close');
    expect([1001, 1012]).toContain(onB.closeCode());
    const resumed: Array<{ cursor: string; sequence: number }> = [];
    subscribe(instances.a.url, seen.at(-1)?.cursor, (event) => resumed.push(event));
    const lastSequence = await services.eventLog.lastSequence(platformId);
    await waitFor(
      () => (resumed.at(-1)?.sequence ?? seen.at(-1)?.sequence ?? firstSequence) >= lastSequence,
      'the resumed subscription to catch up',
      20_000,
    );
    const sequences = [...seen, ...resumed].map((event) => event.sequence);
    const expected = Array.from({ length: lastSequence - firstSequence }, (_, index) => firstSequence + index + 1);
    expect(sequences).toEqual(expected);
  });
});
