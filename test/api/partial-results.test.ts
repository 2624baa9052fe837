import { Vendor } from '../../src/domain/enums';
import { startTestApp, type TestApp } from '../support/app';
import { testDatabases } from '../support/databases';
import { closedPort } from '../support/ports';
import { graphql } from '../support/graphql-client';

/**
 * One failure must not blank a screen: a field that reads a vendor live is nullable, so a vendor
 * outage nulls that field, with an error naming it, and everything else in the query arrives.
 */
describe.each(testDatabases())('a vendor outage in one field, on $name', (database) => {
  let app: TestApp;
  let apiKey: string;

  beforeAll(async () => {
    app = await startTestApp(database, {}, {}, { background: false });
    const created = await app.runtime.services.platforms.createPlatform('partial');
    apiKey = created.apiKey;
    // Yunzhanghu configured at an address where nothing listens: every call fails before sending.
    await app.runtime.services.providerConfigs.configure(
      { platformId: created.platform.id },
      {
        vendor: Vendor.YUNZHANGHU,
        baseUrl: `http://127.0.0.1:${await closedPort()}/nothing-listens`,
        credentials: { appKey: 'app-key-partial', des3Key: '0123456789abcdef01234567' },
        options: { dealerId: 'dealer-partial', brokerId: 'broker-partial' },
      },
    );
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('answers viewer and nulls only the fields whose vendor is down', async () => {
    const response = await graphql(
      app.url,
      '{ viewer { kind platform { name } } payoutBalances { brokerId } alipayAuthInfo }',
      {},
      apiKey,
    );
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({
      viewer: { kind: 'PLATFORM', platform: { name: 'partial' } },
      payoutBalances: null,
      alipayAuthInfo: null,
    });
    const errors: any[] = response.body.errors ?? [];
    expect(errors.map((error) => [error.path.join('.'), error.extensions.code]).sort()).toEqual([
      ['alipayAuthInfo', 'PROVIDER_ERROR'],
      ['payoutBalances', 'PROVIDER_ERROR'],
    ]);
  });
});
