import { EntityKind, EventSource, PayoutStatus, TransactionKind, TransactionStatus } from '../../src/domain/enums';
import { newId } from '../../src/crypto/ids';
import { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from '../../src/entities';
import { fromGlobalIdOf, toGlobalId } from '../../src/graphql/global-id';
import { DEFAULT_WEBHOOK_SETTINGS } from '../../src/services/webhooks/webhook-settings';
import { verifyWebhookSignature } from '../../src/webhooks/signature';
import { startTestApp, type TestApp } from '../support/app';
import { testDatabases } from '../support/databases';
import { insertPayout, insertTransaction, seedPlatform, type SeededPlatform } from '../support/fixtures';
import { graphql, graphqlData } from '../support/graphql-client';
import { waitFor } from '../support/wait-for';
import {
  CREATE_WEBHOOK_ENDPOINT,
  startWebhookReceiver,
  WEBHOOK_DELIVERIES,
  WEBHOOK_ENDPOINT_FIELDS,
  type WebhookReceiver,
} from '../support/webhook-receiver';

/** Retries in milliseconds instead of minutes, a short timeout, a window of seconds. */
const FAST_WEBHOOKS = {
  WEBHOOK_RETRY_BASE_SECONDS: '0.05',
  WEBHOOK_RETRY_MAX_SECONDS: '0.2',
  WEBHOOK_TIMEOUT_SECONDS: '0.5',
  WEBHOOK_LEASE_SECONDS: '2',
  WEBHOOK_SWEEP_SECONDS: '0.1',
};

const ISSUE_TOKEN = `mutation($clientId: ID!) {
  issueClientToken(input: { clientId: $clientId }) { ... on IssueClientTokenPayload { token } }
}`;

const ENDPOINT_MUTATION = (name: string, input: string) => `mutation($input: ${input}!) {
  ${name}(input: $input) {
    __typename
    ... on WebhookEndpointPayload { webhookEndpoint { ${WEBHOOK_ENDPOINT_FIELDS} } }
    ... on InvalidInputError { code fields { field message } }
  }
}`;

const ROTATE = `mutation($input: RotateWebhookSecretInput!) {
  rotateWebhookSecret(input: $input) {
    __typename
    ... on RotateWebhookSecretPayload { secret webhookEndpoint { previousSecretExpiresAt } }
    ... on InvalidInputError { code fields { field message } }
  }
}`;

const ONE_OFF = (name: string, input: string) => `mutation($input: ${input}!) {
  ${name}(input: $input) {
    __typename
    ... on WebhookDeliveryPayload { delivery { id kind status attemptCount event { cursor }
      attempts { number statusCode error } } }
  }
}`;

const FEED = `query($types: [EventType!]) { events(types: $types, first: 100) {
  edges { node { __typename entityId ... on WebhookEndpointStatusEvent { fromStatus toStatus source detail } } }
} }`;

describe.each(testDatabases())('webhooks, on $name', (database) => {
  let app: TestApp;
  let seeded: SeededPlatform;
  let receiver: WebhookReceiver;
  /** Every secret shown, so the last test can check that none was logged. */
  const secrets: string[] = [];

  beforeAll(async () => {
    app = await startTestApp(database, {}, FAST_WEBHOOKS);
    seeded = await seedPlatform(app.runtime.services, 'hooks', 0);
    receiver = await startWebhookReceiver();
  });

  // A test that failed half-way leaves no endpoint behind to receive the next test's events.
  afterEach(async () => {
    const left = await api(`{ webhookEndpoints(first: 100) { nodes { id } } }`);
    for (const { id } of left.webhookEndpoints.nodes) await deleteEndpoint(id);
  });

  afterAll(async () => {
    await receiver?.stop();
    await app?.stop();
  });

  const api = (query: string, variables: Record<string, unknown> = {}) =>
    graphqlData(app.url, query, variables, seeded.apiKey);
  const who = () => ({
    clientId: seeded.clientIds[0],
    bizId: seeded.bizId,
    payerAccountId: null,
    payeeAccountId: null,
  });
  const services = () => app.runtime.services;

  async function createEndpoint(url: string, eventTypes?: string[]): Promise<{ id: string; secret: string }> {
    const data = await api(CREATE_WEBHOOK_ENDPOINT, { input: { url, eventTypes, description: 'orders' } });
    expect(data.createWebhookEndpoint.__typename).toBe('CreateWebhookEndpointPayload');
    secrets.push(data.createWebhookEndpoint.secret);
    return { id: data.createWebhookEndpoint.webhookEndpoint.id, secret: data.createWebhookEndpoint.secret };
  }

  async function deleteEndpoint(id: string): Promise<void> {
    await api(
      ENDPOINT_MUTATION('deleteWebhookEndpoint', 'DeleteWebhookEndpointInput').replace(
        '... on WebhookEndpointPayload { webhookEndpoint { ' + WEBHOOK_ENDPOINT_FIELDS + ' } }',
        '... on DeleteWebhookEndpointPayload { deletedWebhookEndpointId }',
      ),
      { input: { id } },
    );
  }

  /** A payment's life (created, processing, succeeded) and a payout's, as the status writer writes them. */
  async function someEvents(): Promise<{ paymentId: string; payoutId: string }> {
    const paymentId = await insertTransaction(services(), seeded.platformId, who(), {
      kind: TransactionKind.PAYMENT,
    });
    const payout = await insertPayout(services(), seeded.platformId, 7_000, seeded.clientIds[0]);
    const change = (
      kind: EntityKind.TRANSACTION | EntityKind.PAYOUT,
      entityId: string,
      to: TransactionStatus | PayoutStatus,
    ) => services().statusWriter.change({ kind, entityId, platformId: seeded.platformId, to, source: EventSource.API });
    await change(EntityKind.TRANSACTION, paymentId, TransactionStatus.PROCESSING);
    await change(EntityKind.PAYOUT, payout.id, PayoutStatus.PROCESSING);
    await change(EntityKind.TRANSACTION, paymentId, TransactionStatus.SUCCEEDED);
    await change(EntityKind.PAYOUT, payout.id, PayoutStatus.SUCCEEDED);
    return { paymentId, payoutId: payout.id };
  }

  const toStatusesOf = (entityId: string, from: WebhookReceiver['received']) =>
    from.filter((hook) => hook.json.entity?.id === entityId).map((hook) => hook.json.toStatus);

  it('manages endpoints with an API key only, shows the secret once, and refuses bad URLs as input errors', async () => {
    const created = await createEndpoint(receiver.url, ['PAYMENT']);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const listed = await api(`{ webhookEndpoints { nodes { id url eventTypes status } } }`);
    expect(listed.webhookEndpoints.nodes).toContainEqual({
      id: created.id,
      url: receiver.url,
      eventTypes: ['PAYMENT'],
      status: 'ENABLED',
    });
    expect(JSON.stringify(listed)).not.toContain(created.secret);

    const token = (await api(ISSUE_TOKEN, { clientId: toGlobalId('Client', seeded.clientIds[0]) })).issueClientToken
      .token;
    const asClient = await graphql(app.url, CREATE_WEBHOOK_ENDPOINT, { input: { url: receiver.url } }, token);
    expect(asClient.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const listAsClient = await graphql(
      app.url,
      `
        {
          webhookEndpoints {
            nodes {
              id
            }
          }
        }
      `,
      {},
      token,
    );
    expect(listAsClient.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    for (const url of [
      'ftp://example.com/hook',
      'not a url',
      'http://user:pw@example.com/',
      'http://169.254.169.254/latest',
    ]) {
      const refused = await api(CREATE_WEBHOOK_ENDPOINT, { input: { url } });
      expect(refused.createWebhookEndpoint).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'url' }] });
    }

    const updated = await api(ENDPOINT_MUTATION('updateWebhookEndpoint', 'UpdateWebhookEndpointInput'), {
      input: { id: created.id, eventTypes: [] },
    });
    expect(updated.updateWebhookEndpoint.webhookEndpoint).toMatchObject({ eventTypes: [], url: receiver.url });
    await deleteEndpoint(created.id);
    const after = await api(`{ webhookEndpoints { nodes { id } } }`);
    expect(after.webhookEndpoints.nodes.map((node: any) => node.id)).not.toContain(created.id);
  });

  it('delivers every event after the endpoint is made, signed, filtered by type, in order per entity', async () => {
    await insertTransaction(services(), seeded.platformId, who(), { kind: TransactionKind.PAYMENT }); // before: not sent
    const all = await createEndpoint(receiver.url);
    const payoutsOnly = await createEndpoint(receiver.url.replace('/webhooks', '/payouts'), ['PAYOUT']);
    const before = receiver.received.length;
    const { paymentId, payoutId } = await someEvents();
    const payment = toGlobalId('Transaction', paymentId);
    const payout = toGlobalId('Payout', payoutId);
    await waitFor(() => receiver.received.length >= before + 9, 'nine deliveries');
    const received = receiver.received.slice(before);
    // Six events to the catch-all endpoint, three (the payout's) to the payouts-only one.
    const at = (path: string) => received.filter((hook) => hook.path === path);
    expect(toStatusesOf(payment, at('/webhooks'))).toEqual(['PENDING', 'PROCESSING', 'SUCCEEDED']);
    expect(toStatusesOf(payment, at('/payouts'))).toEqual([]);
    for (const path of ['/webhooks', '/payouts'])
      expect(toStatusesOf(payout, at(path))).toEqual(['PENDING', 'PROCESSING', 'SUCCEEDED']);
    for (const hook of received) {
      const verified = [all.secret, payoutsOnly.secret].some(
        (candidate) => verifyWebhookSignature({ body: hook.body, header: hook.signature, secret: candidate }).ok,
      );
      expect(verified).toBe(true);
    }
    const succeeded = received.find((hook) => hook.json.entity?.id === payment && hook.json.toStatus === 'SUCCEEDED');
    expect(succeeded?.json).toMatchObject({
      type: 'PAYMENT',
      source: 'API',
      fromStatus: 'PROCESSING',
      toStatus: 'SUCCEEDED',
      terminal: true,
      entity: {
        __typename: 'Transaction',
        id: payment,
        kind: 'PAYMENT',
        amount: { fen: 1234, yuan: '12.34', currency: 'CNY' },
      },
    });
    // The id is the event's cursor: the events feed resumes after it.
    const feed = await api(`query($after: String) { events(after: $after) { edges { node { sequence } } } }`, {
      after: succeeded?.json.id,
    });
    expect(feed.events.edges[0].node.sequence).toBe(succeeded!.json.sequence + 1);
    await deleteEndpoint(all.id);
    await deleteEndpoint(payoutsOnly.id);
  });

  it('retries a receiver that fails, times out, drops and answers 500, then delivers everything in order, with each attempt logged', async () => {
    const flaky = await startWebhookReceiver((_hook, index) => (['drop', 500, 'hang', 503, 302][index] as any) ?? 204);
    try {
      const endpoint = await createEndpoint(flaky.url);
      const { paymentId, payoutId } = await someEvents();
      const payment = toGlobalId('Transaction', paymentId);
      const payout = toGlobalId('Payout', payoutId);
      const delivered = () =>
        new Set(flaky.received.filter((hook) => hook.answeredAt && hook.json.sequence).map((hook) => hook.json.id));
      await waitFor(
        async () => {
          const page = await api(WEBHOOK_DELIVERIES, { endpointId: endpoint.id, first: 100 });
          return page.webhookDeliveries.edges.filter((edge: any) => edge.node.status === 'DELIVERED').length === 6;
        },
        'all six delivered',
        20_000,
      );
      expect(delivered().size).toBe(6);
      // In order per entity: the first 2xx of each event came after its predecessor's 2xx.
      const firstSuccess = (id: string) => flaky.received.findIndex((hook, index) => hook.json.id === id && index >= 5);
      for (const entity of [payment, payout]) {
        const ids = [
          ...new Set(flaky.received.filter((hook) => hook.json.entity?.id === entity).map((hook) => hook.json.id)),
        ];
        const sequences = ids.map((id) => flaky.received.find((hook) => hook.json.id === id)!.json.sequence);
        expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
        const order = ids.map(firstSuccess);
        expect(order).toEqual([...order].sort((a, b) => a - b));
      }
      const page = await api(WEBHOOK_DELIVERIES, { endpointId: endpoint.id, first: 100 });
      const attempts = page.webhookDeliveries.edges.flatMap((edge: any) => edge.node.attempts);
      expect(attempts).toHaveLength(flaky.received.length);
      const errors = attempts.map((attempt: any) => attempt.error).filter(Boolean);
      expect(errors).toEqual(
        expect.arrayContaining([
          'connection reset',
          'answered 500',
          'no answer within 0.5 s',
          'answered 503',
          'redirects are not followed',
        ]),
      );
      const failed = attempts.filter((attempt: any) => attempt.error);
      expect(failed.every((attempt: any) => attempt.nextRetryAt !== null)).toBe(true);
      expect(attempts.filter((attempt: any) => attempt.statusCode === 204)).toHaveLength(6);
      // Only the redirect target would have been 169.254.169.254: nothing followed it.
      await deleteEndpoint(endpoint.id);
    } finally {
      await flaky.stop();
    }
  });

  it('disables an endpoint whose deliveries fail for the whole window (an event of its own), and delivers the backlog once enabled', async () => {
    let down = true;
    const outage = await startWebhookReceiver(() => (down ? 500 : 200));
    const windowed = await startTestApp(database, {}, { ...FAST_WEBHOOKS, WEBHOOK_RETRY_WINDOW_SECONDS: '0.5' });
    try {
      const platform = await seedPlatform(windowed.runtime.services, 'window', 0);
      const asPlatform = (query: string, variables: Record<string, unknown> = {}) =>
        graphqlData(windowed.url, query, variables, platform.apiKey);
      const created = await asPlatform(CREATE_WEBHOOK_ENDPOINT, { input: { url: outage.url } });
      const endpointId = created.createWebhookEndpoint.webhookEndpoint.id;
      const parties = {
        clientId: platform.clientIds[0],
        bizId: platform.bizId,
        payerAccountId: null,
        payeeAccountId: null,
      };
      await insertTransaction(windowed.runtime.services, platform.platformId, parties, {
        kind: TransactionKind.PAYMENT,
      });
      await waitFor(
        async () => {
          const list = await asPlatform(`{ webhookEndpoints { nodes { status disabledReason } } }`);
          return list.webhookEndpoints.nodes[0].status === 'DISABLED';
        },
        'the endpoint disabled',
        15_000,
      );
      const feed = await asPlatform(FEED, { types: ['WEBHOOK_ENDPOINT'] });
      expect(feed.events.edges.map((edge: any) => edge.node)).toEqual([
        {
          __typename: 'WebhookEndpointStatusEvent',
          entityId: endpointId,
          fromStatus: 'ENABLED',
          toStatus: 'DISABLED',
          source: 'SYSTEM',
          detail: { reason: expect.stringContaining('deliveries failed') },
        },
      ]);
      const tried = outage.received.length;
      await insertTransaction(windowed.runtime.services, platform.platformId, parties, {
        kind: TransactionKind.LEDGER,
      });
      // Disabled: nothing is sent (the sweep runs every 0.1 s).
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(outage.received.length).toBe(tried);

      down = false;
      await asPlatform(ENDPOINT_MUTATION('enableWebhookEndpoint', 'EnableWebhookEndpointInput'), {
        input: { id: endpointId },
      });
      // The payment's event, the ledger transfer's, and the endpoint's own re-enabling.
      await waitFor(
        () => {
          const ok = outage.received.filter((hook, index) => index >= tried && hook.json.type);
          return new Set(ok.map((hook) => hook.json.type)).size === 3 && ok;
        },
        'the backlog delivered',
        10_000,
      );
      const types = outage.received.slice(tried).map((hook) => hook.json.type);
      expect(types).toEqual(expect.arrayContaining(['PAYMENT', 'LEDGER', 'WEBHOOK_ENDPOINT']));
    } finally {
      await windowed.stop();
      await outage.stop();
    }
  });

  it('signs with both secrets during a rotation grace period, then with the new one only', async () => {
    const endpoint = await createEndpoint(receiver.url);
    const rotated = await api(ROTATE, { input: { id: endpoint.id, graceSeconds: 3600 } });
    expect(rotated.rotateWebhookSecret.webhookEndpoint.previousSecretExpiresAt).not.toBeNull();
    const newSecret = rotated.rotateWebhookSecret.secret;
    secrets.push(newSecret);
    const test = await api(ONE_OFF('sendTestWebhookEvent', 'SendTestWebhookEventInput'), {
      input: { endpointId: endpoint.id },
    });
    expect(test.sendTestWebhookEvent.delivery).toMatchObject({
      kind: 'TEST',
      status: 'DELIVERED',
      attemptCount: 1,
      event: null,
    });
    const hook = receiver.received.at(-1)!;
    expect(hook.json).toMatchObject({ type: 'TEST', entity: null });
    expect(hook.signature.match(/v1=/g)).toHaveLength(2);
    for (const secret of [endpoint.secret, newSecret])
      expect(verifyWebhookSignature({ body: hook.body, header: hook.signature, secret }).ok).toBe(true);

    const ended = await api(ROTATE, { input: { id: endpoint.id, graceSeconds: 0 } });
    await api(ONE_OFF('sendTestWebhookEvent', 'SendTestWebhookEventInput'), { input: { endpointId: endpoint.id } });
    const last = receiver.received.at(-1)!;
    expect(last.signature.match(/v1=/g)).toHaveLength(1);
    expect(
      verifyWebhookSignature({ body: last.body, header: last.signature, secret: ended.rotateWebhookSecret.secret }).ok,
    ).toBe(true);
    expect(verifyWebhookSignature({ body: last.body, header: last.signature, secret: newSecret })).toEqual({
      ok: false,
      reason: 'no matching signature',
    });
    const refused = await api(ROTATE, { input: { id: endpoint.id, graceSeconds: -1 } });
    expect(refused.rotateWebhookSecret.code).toBe('BAD_USER_INPUT');
    await deleteEndpoint(endpoint.id);
  });

  it('redelivers an event of the log on demand, once, with the same id', async () => {
    const endpoint = await createEndpoint(receiver.url);
    const paymentId = await insertTransaction(services(), seeded.platformId, who(), { kind: TransactionKind.PAYMENT });
    const payment = toGlobalId('Transaction', paymentId);
    const original = await waitFor(
      () => receiver.received.find((hook) => hook.json.entity?.id === payment),
      'the delivery',
    );
    const again = await api(ONE_OFF('redeliverWebhookEvent', 'RedeliverWebhookEventInput'), {
      input: { endpointId: endpoint.id, eventId: original.json.id },
    });
    expect(again.redeliverWebhookEvent.delivery).toMatchObject({
      kind: 'REDELIVERY',
      status: 'DELIVERED',
      event: { cursor: original.json.id },
      attempts: [{ number: 1, statusCode: 200, error: null }],
    });
    const copies = receiver.received.filter((hook) => hook.json.id === original.json.id);
    expect(copies).toHaveLength(2);
    expect(copies[1].json).toEqual({ ...original.json, entity: expect.objectContaining({ id: payment }) });
    await deleteEndpoint(endpoint.id);
  });

  it('keeps a hanging receiver to its own slots, so another endpoint is served meanwhile', async () => {
    let mostOpen = 0;
    const hanging: WebhookReceiver = await startWebhookReceiver(() => {
      // Requests still open (not yet timed out by paygraph) at this one's arrival, itself included.
      mostOpen = Math.max(mostOpen, hanging.received.filter((hook) => hook.answeredAt === undefined).length);
      return 'hang';
    });
    try {
      const slow = await createEndpoint(hanging.url);
      const fast = await createEndpoint(`${receiver.url}/fast`);
      const before = receiver.received.length;
      for (let index = 0; index < 2 * DEFAULT_WEBHOOK_SETTINGS.endpointConcurrency; index += 1)
        await insertTransaction(services(), seeded.platformId, who(), { kind: TransactionKind.PAYMENT });
      await waitFor(
        () =>
          receiver.received.slice(before).filter((hook) => hook.path === '/webhooks/fast').length >=
          2 * DEFAULT_WEBHOOK_SETTINGS.endpointConcurrency,
        'the fast endpoint served',
        15_000,
      );
      expect(mostOpen).toBeGreaterThan(0);
      expect(mostOpen).toBeLessThanOrEqual(DEFAULT_WEBHOOK_SETTINGS.endpointConcurrency);
      await deleteEndpoint(slow.id);
      await deleteEndpoint(fast.id);
    } finally {
      await hanging.stop();
    }
  });

  it('deletes delivered deliveries after the retention, with their attempts, and keeps undelivered ones', async () => {
    const endpoint = await createEndpoint(receiver.url);
    await insertTransaction(services(), seeded.platformId, who(), { kind: TransactionKind.PAYMENT });
    const endpointId = fromGlobalIdOf('WebhookEndpoint', endpoint.id, 'id');
    const db = services().db.manager;
    const delivered = await waitFor(
      async () =>
        (await db.findOne(WebhookDelivery, { where: { endpointId, status: 'DELIVERED' as never } })) ?? undefined,
      'a delivered delivery',
    );
    await waitFor(async () => (await db.countBy(WebhookAttempt, { deliveryId: delivered.id })) === 1, 'its attempt');
    const longAgo = new Date(Date.now() - 31 * 86_400_000);
    await db.update(WebhookDelivery, { id: delivered.id }, { createdAt: longAgo });
    const waiting = Object.assign(new WebhookDelivery(), {
      ...delivered,
      id: newId(),
      dedupeKey: newId(),
      status: 'PENDING',
      nextAttemptAt: null,
      createdAt: longAgo,
    });
    await db.insert(WebhookDelivery, waiting);
    expect(await services().webhooks.purgeFinished()).toBeGreaterThanOrEqual(1);
    expect(await db.countBy(WebhookDelivery, { id: delivered.id })).toBe(0);
    expect(await db.countBy(WebhookAttempt, { deliveryId: delivered.id })).toBe(0);
    expect(await db.countBy(WebhookDelivery, { id: waiting.id })).toBe(1);
    await deleteEndpoint(endpoint.id);
  });

  it('never logs a secret, a body it sent, or an answer it read', () => {
    const logged = JSON.stringify(app.logs);
    expect(secrets.length).toBeGreaterThan(3);
    for (const secret of secrets) expect(logged).not.toContain(secret);
    expect(logged).not.toContain('{"ok":true}');
    expect(logged).not.toContain('"occurredAt"');
  });

  it('costs a platform without endpoints no query per commit', async () => {
    const quiet = await seedPlatform(services(), 'no-hooks', 0);
    const parties = { clientId: quiet.clientIds[0], bizId: quiet.bizId, payerAccountId: null, payeeAccountId: null };
    // The first commit finds no endpoint; the platform is then left alone until the sweep.
    await insertTransaction(services(), quiet.platformId, parties, { kind: TransactionKind.PAYMENT });
    await services().webhooks.dispatcher.idle();
    const find = jest.spyOn(services().db.manager, 'find');
    try {
      for (let index = 0; index < 5; index += 1)
        await insertTransaction(services(), quiet.platformId, parties, { kind: TransactionKind.PAYMENT });
      await services().webhooks.dispatcher.idle();
      expect(find.mock.calls.filter(([entity]) => entity === WebhookEndpoint)).toEqual([]);
    } finally {
      find.mockRestore();
    }
  });
});
