import { startTestApp, type TestApp } from '../support/app';
import { testDatabases } from '../support/databases';
import { graphql, graphqlData } from '../support/graphql-client';

const CONFIGURE = `mutation($input: ConfigureProviderInput!) {
  configureProvider(input: $input) {
    clientMutationId
    providerConfig { vendor baseUrl options enabled credentialFields }
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
          vendor: 'SHOUQIANBA',
          baseUrl: 'http://127.0.0.1:4000/sandbox/shouqianba/',
          credentials: { terminalKey: secret },
          options: { terminalSn: 'T100' },
        },
      },
      alphaKey,
    );
    expect(data.configureProvider).toEqual({
      clientMutationId: 'cfg',
      providerConfig: {
        vendor: 'SHOUQIANBA',
        baseUrl: 'http://127.0.0.1:4000/sandbox/shouqianba',
        options: { terminalSn: 'T100' },
        enabled: true,
        credentialFields: ['terminalKey'],
      },
    });
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
      { input: { vendor: 'SHOUQIANBA', baseUrl: 'https://vsi-api.shouqianba.com' } },
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

  it('names what is missing or unknown with BAD_USER_INPUT', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [
        {
          vendor: 'YUNZHANGHU',
          baseUrl: 'http://x.test',
          credentials: { appKey: 'k' },
          options: { dealerId: 'd', brokerId: 'b' },
        },
        'credentials.des3Key',
      ],
      [
        {
          vendor: 'YUNZHANGHU',
          baseUrl: 'http://x.test',
          credentials: { appKey: 'k', des3Key: 'x' },
          options: { dealerId: 'd' },
        },
        'options.brokerId',
      ],
      [
        { vendor: 'CASHIER', baseUrl: 'ftp://x.test', credentials: { signKey: 'k' }, options: { merchantId: 'm' } },
        'baseUrl',
      ],
      [
        {
          vendor: 'CASHIER',
          baseUrl: 'http://x.test',
          credentials: { signKey: 'k', other: 'x' },
          options: { merchantId: 'm' },
        },
        'credentials.other',
      ],
      [
        { vendor: 'CASHIER', baseUrl: 'http://x.test', credentials: { signKey: 7 }, options: { merchantId: 'm' } },
        'credentials.signKey',
      ],
      // Checked against the vendor's typed configuration at once, not at the first vendor call.
      [
        {
          vendor: 'YUNZHANGHU',
          baseUrl: 'http://x.test',
          credentials: { appKey: 'a', des3Key: 'too-short' },
          options: { dealerId: 'd', brokerId: 'b' },
        },
        'credentials.des3Key',
      ],
      [
        {
          vendor: 'YUNZHANGHU',
          baseUrl: 'http://x.test',
          credentials: { appKey: 'a', des3Key: '0123456789abcdefghijklmn' },
          options: { dealerId: 'd', brokerId: 'b', endpointNames: 'tomorrow' },
        },
        'options.endpointNames',
      ],
    ];
    for (const [input, field] of cases) {
      const response = await graphql(app.url, CONFIGURE, { input }, alphaKey);
      expect([field, response.body.errors?.[0].extensions]).toEqual([
        field,
        { code: 'BAD_USER_INPUT', fields: [{ field, message: expect.any(String) }] },
      ]);
    }
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
      { input: { vendor: 'SHOUQIANBA', baseUrl: 'http://evil.test' } },
      token,
    );
    expect(write.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
