import { randomBytes } from 'node:crypto';
import { Vendor } from '../../domain/enums';
import { ProviderConfig } from '../../entities';
import { Sandboxes } from '../../sandbox/sandboxes';
import type { Services } from '../services';

export const DEMO_PLATFORM_NAME = 'demo';

export interface DemoPlatform {
  platformId: string;
  /** Only present when this call created the platform or was asked for a key (keys are shown once). */
  apiKey?: string;
  created: boolean;
}

/**
 * The demo platform a newcomer explores in the playground: a few clients and bizs, and its
 * vendors wired to this server's sandboxes. Idempotent: a second call finds the existing
 * platform, fills in any sandbox wiring it lacks, and mints no new key unless asked.
 */
export async function ensureDemoPlatform(
  services: Services,
  options: { newKey?: boolean; sandboxes?: Sandboxes } = {},
): Promise<DemoPlatform> {
  const existing = await services.platforms.findPlatformByName(DEMO_PLATFORM_NAME);
  let demo: DemoPlatform;
  if (existing) {
    demo = { platformId: existing.id, created: false };
    if (options.newKey) demo.apiKey = (await services.platforms.createApiKey(existing.id, 'demo')).apiKey;
  } else {
    const { platform, apiKey } = await services.platforms.createPlatform(DEMO_PLATFORM_NAME);
    await services.parties.createClient(platform.id, {
      externalRef: 'demo-user-1',
      name: '张三',
      mobile: '13800000001',
    });
    await services.parties.createClient(platform.id, {
      externalRef: 'demo-user-2',
      name: '李四',
      mobile: '13800000002',
    });
    await services.parties.createBiz(platform.id, {
      externalRef: 'demo-shop-1',
      name: '彩生活便利店',
      tel: '0755-00000000',
    });
    demo = { platformId: platform.id, apiKey, created: true };
  }
  if (options.sandboxes) await wireSandboxes(services, options.sandboxes, demo.platformId);
  return demo;
}

async function wireSandboxes(services: Services, sandboxes: Sandboxes, platformId: string): Promise<void> {
  const configured = async (vendor: Vendor) =>
    (await services.db.manager.countBy(ProviderConfig, { platformId, vendor })) > 0;
  const suffix = () => randomBytes(4).toString('hex').toUpperCase();
  if (!(await configured(Vendor.CASHIER))) {
    const merchant = sandboxes.cashier.registerMerchant(`DEMO${suffix()}`);
    await services.providerConfigs.configure(
      { platformId },
      {
        vendor: Vendor.CASHIER,
        baseUrl: Sandboxes.baseUrl(services.config.publicUrl, 'cashier'),
        credentials: { signKey: merchant.signKey },
        options: { merchantId: merchant.merid },
      },
    );
  }
  if (!(await configured(Vendor.COLOURLIFE))) {
    const ledger = sandboxes.colourlife.registerPlatform();
    await services.providerConfigs.configure(
      { platformId },
      {
        vendor: Vendor.COLOURLIFE,
        baseUrl: Sandboxes.baseUrl(services.config.publicUrl, 'colourlife'),
        credentials: { authAccount: ledger.authAccount, authPassword: ledger.authPassword },
        options: { pno: ledger.pno },
      },
    );
  }
  if (!(await configured(Vendor.YUNZHANGHU))) {
    const dealer = sandboxes.yunzhanghu.registerDealer({
      dealerId: `demo-${suffix().toLowerCase()}`,
      brokerId: 'yiyun73',
      notifyUrl: `${services.config.publicUrl}/callbacks/yunzhanghu/${platformId}`,
      balancesFen: { bankCard: 100_000_000, alipay: 10_000_000, wechat: 1_000_000 },
    });
    await services.providerConfigs.configure(
      { platformId },
      {
        vendor: Vendor.YUNZHANGHU,
        baseUrl: Sandboxes.baseUrl(services.config.publicUrl, 'yunzhanghu'),
        credentials: { appKey: dealer.appKey, des3Key: dealer.des3Key },
        options: { dealerId: dealer.dealerId, brokerId: 'yiyun73' },
      },
    );
  }
  if (!(await configured(Vendor.SHOUQIANBA))) {
    const terminal = sandboxes.shouqianba.registerTerminal(`DEMO-${suffix()}`);
    await services.providerConfigs.configure(
      { platformId },
      {
        vendor: Vendor.SHOUQIANBA,
        baseUrl: Sandboxes.baseUrl(services.config.publicUrl, 'shouqianba'),
        credentials: { terminalKey: terminal.terminalKey },
        options: { terminalSn: terminal.terminalSn },
      },
    );
  }
}
