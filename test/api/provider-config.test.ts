import { startTestApp, type TestApp } from '../support/app';
import { testDatabases } from '../support/databases';
import { graphql, graphqlData } from '../support/graphql-client';

const CONFIGURE = `mutation($input: ConfigureProviderInput!) {
  configureProvider(input: $input) {
    __typename
    ... on MutationResult { clientMutationId }
    ... on ConfigureProviderPayload {
      providerConfig { id vendor baseUrl enabled credentialFields options { __typename ... on ShouqianbaOptions { terminalSn } } }
    }
    ... on InvalidInputError { code fields { field message } }
  }
}`;

describe.each(testDatabases())('configureProvider on $name', (database) => {
  let app: TestApp;
  let alphaKey: string;
  let betaKey: string;
  let alphaPlatformId: string;

  beforeAll(async () => {
    app = await startTestApp(database);
    const alpha = await app.runtime.services.platforms.createPlatform('alpha');
    alphaKey = alpha.apiKey;
    alphaPlatformId = alpha.platform.id;
    betaKey = (await app.runtime.services.platforms.createPlatform('beta')).apiKey;
  });

  afterAll(async () => {
    await app?.stop();
  });

  const secret = 'a-very-secret-terminal-key-123';

  it('stores credentials encrypted and write-only, and returns only their names', async () => {
    const data = await graphqlData(
      app.url,
      CONFIGURE,
      {
        input: {
          clientMutationId: 'cfg',
          baseUrl: 'http://127.0.0.1:4000/sandbox/shouqianba/',
          settings: { shouqianba: { terminalSn: 'T100', terminalKey: secret } },
        },
      },
      alphaKey,
    );
    expect(data.configureProvider).toEqual({
      __typename: 'ConfigureProviderPayload',
      clientMutationId: 'cfg',
      providerConfig: {
        id: expect.any(String),
        vendor: 'SHOUQIANBA',
        baseUrl: 'http://127.0.0.1:4000/sandbox/shouqianba',
        options: { __typename: 'ShouqianbaOptions', terminalSn: 'T100' },
        enabled: true,
        credentialFields: ['terminalKey'],
      },
    });
    // A node like any other: its id opens it.
    const opened = await graphqlData(
      app.url,
      'query($id: ID!) { node(id: $id) { __typename ... on ProviderConfig { vendor } } }',
      { id: data.configureProvider.providerConfig.id },
      alphaKey,
    );
    expect(opened.node).toEqual({ __typename: 'ProviderConfig', vendor: 'SHOUQIANBA' });
    const rows = await app.runtime.services.db.dataSource.query('SELECT secretsCiphertext FROM provider_configs');
    expect(JSON.stringify(rows)).not.toContain(secret);
    expect(JSON.stringify(app.logs)).not.toContain(secret);
    const resolved = await app.runtime.services.providerConfigs.resolve(alphaPlatformId, 'SHOUQIANBA' as never);
    expect(resolved.secrets).toEqual({ terminalKey: secret });
  });

  it('keeps stored secrets when an update omits them (a base-URL switch is all it takes)', async () => {
    const data = await graphqlData(
      app.url,
      CONFIGURE,
      { input: { baseUrl: 'https://vsi-api.shouqianba.com', settings: { shouqianba: { terminalSn: 'T100' } } } },
      alphaKey,
    );
    expect(data.configureProvider.providerConfig).toMatchObject({
      baseUrl: 'https://vsi-api.shouqianba.com',
      options: { terminalSn: 'T100' },
      credentialFields: ['terminalKey'],
    });
    const resolved = await app.runtime.services.providerConfigs.resolve(alphaPlatformId, 'SHOUQIANBA' as never);
    expect(resolved).toMatchObject({ baseUrl: 'https://vsi-api.shouqianba.com', secrets: { terminalKey: secret } });
  });

  it('names what is missing or malformed in an InvalidInputError', async () => {
    const yunzhanghu = { dealerId: 'd', brokerId: 'b' };
    const cases: Array<[Record<string, unknown>, string]> = [
      // The first configuration needs every secret.
      [
        { baseUrl: 'http://x.test', settings: { yunzhanghu: { ...yunzhanghu, appKey: 'k' } } },
        'settings.yunzhanghu.des3Key',
      ],
      [{ baseUrl: 'ftp://x.test', settings: { cashier: { merchantId: 'm', signKey: 'k' } } }, 'baseUrl'],
      // Checked against the vendor's typed configuration at once, not at the first vendor call.
      [
        { baseUrl: 'http://x.test', settings: { yunzhanghu: { ...yunzhanghu, appKey: 'a', des3Key: 'too-short' } } },
        'settings.yunzhanghu.des3Key',
      ],
    ];
    for (const [input, field] of cases) {
      const response = await graphql(app.url, CONFIGURE, { input }, alphaKey);
      expect([field, response.body.data?.configureProvider]).toEqual([
        field,
        {
          __typename: 'InvalidInputError',
          clientMutationId: null,
          code: 'BAD_USER_INPUT',
          fields: [{ field, message: expect.any(String) }],
        },
      ]);
    }
  });

  it('takes the settings of exactly one vendor, typed: GraphQL refuses anything else', async () => {
    const cases: Array<Record<string, unknown>> = [
      { cashier: { merchantId: 'm', signKey: 'k' }, shouqianba: { terminalSn: 'T', terminalKey: 'k' } },
      {},
      { cashier: { merchantId: 'm', signKey: 'k', other: 'x' } },
      { cashier: { merchantId: 'm', signKey: 7 } },
      { yunzhanghu: { dealerId: 'd', brokerId: 'b', endpoints: 'TOMORROW' } },
      { yunzhanghu: { dealerId: 'd' } },
    ];
    for (const settings of cases) {
      const response = await graphql(app.url, CONFIGURE, { input: { baseUrl: 'http://x.test', settings } }, alphaKey);
      expect([settings, response.body.errors?.[0]?.extensions?.code]).toEqual([settings, 'BAD_USER_INPUT']);
    }
    expect(
      await app.runtime.services.db.dataSource.query("SELECT id FROM provider_configs WHERE vendor <> 'SHOUQIANBA'"),
    ).toEqual([]);
  });

  it('is per platform: another platform sees none of it, and client tokens cannot touch it', async () => {
    const beta = await graphqlData(app.url, '{ providerConfigs { vendor } }', {}, betaKey);
    expect(beta.providerConfigs).toEqual([]);
    const alpha = await graphqlData(app.url, '{ providerConfigs { vendor } }', {}, alphaKey);
    expect(alpha.providerConfigs).toEqual([{ vendor: 'SHOUQIANBA' }]);
    const created = await app.runtime.services.parties.createClient(alphaPlatformId, { externalRef: 'u1', name: 'U' });
    if (!created.ok) throw new Error('seed failed');
    const token = app.runtime.services.auth.signClientToken(alphaPlatformId, created.value.id, 60).token;
    const read = await graphql(app.url, '{ providerConfigs { vendor } }', {}, token);
    expect(read.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const write = await graphql(
      app.url,
      CONFIGURE,
      { input: { baseUrl: 'http://evil.test', settings: { shouqianba: { terminalSn: 'T' } } } },
      token,
    );
    expect(write.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
