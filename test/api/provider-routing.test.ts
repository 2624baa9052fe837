import { Vendor } from '../../src/domain/enums';
import { Capability, CAPABILITY_VENDORS, ProviderRegistry } from '../../src/providers/capabilities';
import { startTestApp, type TestApp } from '../support/app';
import { testDatabases } from '../support/databases';

const [sqlite] = testDatabases();

/** Each capability has its adapter interface; a platform's configuration routes it to one vendor. */
describe('provider adapters and routing', () => {
  let app: TestApp;
  let platformId: string;

  beforeAll(async () => {
    app = await startTestApp(sqlite);
    platformId = (await app.runtime.services.platforms.createPlatform('routing')).platform.id;
  });

  afterAll(async () => {
    await app?.stop();
  });

  const configure = (vendor: Vendor, credentials: Record<string, string>, options: Record<string, unknown>) =>
    app.runtime.services.providerConfigs.configure(
      { platformId },
      { vendor, baseUrl: 'https://vendor.example', credentials, options },
    );

  it('registers one adapter per capability and vendor, each implementing its interface', () => {
    // The services' own registry: every capability has an adapter for every vendor that provides it.
    const registry = app.runtime.services.providers;
    for (const capability of Object.values(Capability)) {
      for (const vendor of CAPABILITY_VENDORS[capability]) {
        expect([capability, vendor, registry.adapter(capability, vendor)?.vendor]).toEqual([
          capability,
          vendor,
          vendor,
        ]);
      }
    }
    expect(typeof registry.adapter(Capability.LEDGER, Vendor.COLOURLIFE)?.queryTransfer).toBe('function');
    expect(typeof registry.adapter(Capability.PAYOUTS, Vendor.YUNZHANGHU)?.queryPayout).toBe('function');
    expect(typeof registry.adapter(Capability.VERIFICATION, Vendor.YUNZHANGHU)?.verifyIdentity).toBe('function');
    expect(() => new ProviderRegistry().register(Capability.LEDGER, { vendor: Vendor.CASHIER } as never)).toThrow(
      /does not provide/,
    );
  });

  it('routes each capability to the vendor the platform configured, or to none', async () => {
    const registry = new ProviderRegistry(app.runtime.services.providerConfigs);
    expect(await registry.route(platformId, Capability.PAYMENTS)).toBeUndefined();
    await configure(Vendor.CASHIER, { signKey: 'k' }, { merchantId: 'M1' });
    expect((await registry.route(platformId, Capability.PAYMENTS))?.vendor).toBe(Vendor.CASHIER);
    await configure(Vendor.SHOUQIANBA, { terminalKey: 'k' }, { terminalSn: 'T1' });
    // Both configured: the preference order decides, and a method can ask for its own vendor.
    expect((await registry.route(platformId, Capability.PAYMENTS))?.vendor).toBe(Vendor.SHOUQIANBA);
    expect((await registry.route(platformId, Capability.PAYMENTS, [Vendor.CASHIER]))?.vendor).toBe(Vendor.CASHIER);
    expect(await registry.route(platformId, Capability.LEDGER)).toBeUndefined();
    expect(await registry.route(platformId, Capability.PAYOUTS)).toBeUndefined();
    await configure(
      Vendor.YUNZHANGHU,
      { appKey: 'a', des3Key: 'abcdefghijklmnopqrstuvwx' },
      { dealerId: 'd', brokerId: 'b' },
    );
    const payouts = await registry.route(platformId, Capability.PAYOUTS);
    expect(payouts?.vendor).toBe(Vendor.YUNZHANGHU);
    expect(payouts?.config).toMatchObject({ baseUrl: 'https://vendor.example', options: { dealerId: 'd' } });
    expect((await registry.route(platformId, Capability.VERIFICATION))?.vendor).toBe(Vendor.YUNZHANGHU);
    // A vendor that does not provide the capability is never routed to.
    expect(await registry.route(platformId, Capability.LEDGER, [Vendor.CASHIER])).toBeUndefined();
  });
});
