import { startTestApp, type TestApp } from '../support/app';
import { testDatabases } from '../support/databases';
import { graphqlData } from '../support/graphql-client';

/** One shape for "configure this vendor first": every vendor-backed mutation answers ProviderNotConfiguredError. */
describe.each(testDatabases())('a platform with no vendor configured, on $name', (database) => {
  let app: TestApp;
  let apiKey: string;

  beforeAll(async () => {
    app = await startTestApp(database, {}, {}, { background: false });
    apiKey = (await app.runtime.services.platforms.createPlatform('bare')).apiKey;
  });

  afterAll(async () => {
    await app?.stop();
  });

  const NOT_CONFIGURED = '__typename ... on ProviderNotConfiguredError { code vendor message }';

  it.each([
    [
      'createPayout',
      `mutation { createPayout(input: { idempotencyKey: "p", channel: BANK_CARD, amountFen: 100,
        payee: { realName: "张三", idCard: "11010519491231002X", account: "6228480402564890018" } }) { ${NOT_CONFIGURED} } }`,
      'YUNZHANGHU',
    ],
    [
      'verifyIdentity',
      `mutation { verifyIdentity(input: { idCard: "11010519491231002X", realName: "张三" }) { ${NOT_CONFIGURED} } }`,
      'YUNZHANGHU',
    ],
    ['syncAccountTypes', `mutation { syncAccountTypes(input: {}) { ${NOT_CONFIGURED} } }`, 'COLOURLIFE'],
    [
      'createPayment',
      `mutation { createPayment(input: { idempotencyKey: "c", amountFen: 100, description: "x", method: { checkout: { action: ALIPAY } } }) { ${NOT_CONFIGURED} } }`,
      'CASHIER',
    ],
  ])('%s answers ProviderNotConfiguredError naming the vendor', async (name, mutation, vendor) => {
    const data = await graphqlData(app.url, mutation, {}, apiKey);
    expect(data[name]).toMatchObject({
      __typename: 'ProviderNotConfiguredError',
      code: 'PROVIDER_NOT_CONFIGURED',
      vendor,
    });
  });
});
