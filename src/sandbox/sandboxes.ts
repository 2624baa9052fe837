import express, { type Router } from 'express';
import { Vendor } from '../domain/enums';
import { ProviderConfig } from '../entities';
import type { Logger } from '../logging/logger';
import type { Services } from '../services/services';
import { CashierSandbox } from './cashier/cashier-sandbox';
import { ShouqianbaSandbox } from './shouqianba/shouqianba-sandbox';
import { ColourlifeSandbox } from './colourlife/colourlife-sandbox';
import { YunzhanghuSandbox } from './yunzhanghu/yunzhanghu-sandbox';

import type { SandboxVendor } from './vendors';
export { SANDBOX_VENDORS, type SandboxVendor } from './vendors';
export type AnySandbox = CashierSandbox | ShouqianbaSandbox | ColourlifeSandbox | YunzhanghuSandbox;

/** The vendor emulators that ship with paygraph, mounted under /sandbox/<vendor>. */
export class Sandboxes {
  readonly cashier: CashierSandbox;
  readonly shouqianba: ShouqianbaSandbox;
  readonly colourlife: ColourlifeSandbox;
  readonly yunzhanghu: YunzhanghuSandbox;

  /** `allowTarget`: the only URLs their notifications may go to (this server's callback routes). */
  constructor(logger: Logger, allowTarget: (url: string) => boolean = () => true) {
    this.cashier = new CashierSandbox(logger, '/sandbox/cashier');
    this.shouqianba = new ShouqianbaSandbox(logger, '/sandbox/shouqianba');
    this.colourlife = new ColourlifeSandbox(logger, '/sandbox/colourlife');
    this.yunzhanghu = new YunzhanghuSandbox(logger, '/sandbox/yunzhanghu');
    for (const sandbox of [this.cashier, this.shouqianba, this.colourlife, this.yunzhanghu])
      sandbox.notifier.allowTarget = allowTarget;
  }

  /** One emulator, for mounting at `mountPath` (in-process) or at the root (standalone). */
  static create(vendor: SandboxVendor, logger: Logger, mountPath: string): AnySandbox {
    switch (vendor) {
      case 'cashier':
        return new CashierSandbox(logger, mountPath);
      case 'shouqianba':
        return new ShouqianbaSandbox(logger, mountPath);
      case 'colourlife':
        return new ColourlifeSandbox(logger, mountPath);
      case 'yunzhanghu':
        return new YunzhanghuSandbox(logger, mountPath);
    }
  }

  /** Registers a merchant (cashier) or terminal (Shouqianba) and returns its credentials. */
  static registerAccount(sandbox: AnySandbox, id: string): Record<string, unknown> {
    if (sandbox instanceof CashierSandbox) return { ...sandbox.registerMerchant(id) };
    if (sandbox instanceof ShouqianbaSandbox) return { ...sandbox.registerTerminal(id) };
    if (sandbox instanceof YunzhanghuSandbox) {
      const dealer = sandbox.registerDealer({ dealerId: id });
      return {
        dealerId: dealer.dealerId,
        brokerIds: [...dealer.brokers.keys()],
        appKey: dealer.appKey,
        des3Key: dealer.des3Key,
      };
    }
    const platform = sandbox.registerPlatform({ pno: id });
    return { pno: platform.pno, authAccount: platform.authAccount, authPassword: platform.authPassword };
  }

  router(): Router {
    const router = express.Router();
    router.use('/sandbox/cashier', this.cashier.router());
    router.use('/sandbox/shouqianba', this.shouqianba.router());
    router.use('/sandbox/colourlife', this.colourlife.router());
    router.use('/sandbox/yunzhanghu', this.yunzhanghu.router());
    return router;
  }

  /** The base URL a platform configures to use a sandbox of this server. */
  static baseUrl(publicUrl: string, vendor: SandboxVendor): string {
    return `${publicUrl}/sandbox/${vendor}`;
  }

  /**
   * Sandbox state lives in memory; on start, re-register the merchants and terminals of every
   * platform that points at this server's sandboxes, so their credentials keep working.
   */
  async restoreMerchants(services: Services): Promise<number> {
    let restored = 0;
    for (const vendor of [Vendor.CASHIER, Vendor.SHOUQIANBA, Vendor.COLOURLIFE, Vendor.YUNZHANGHU]) {
      const configs = await services.db.manager.findBy(ProviderConfig, { vendor });
      for (const config of configs) {
        if (!config.baseUrl.endsWith(`/sandbox/${vendor.toLowerCase()}`)) continue;
        const resolved = await services.providerConfigs.resolve(config.platformId, vendor).catch(() => undefined);
        if (!resolved) continue;
        if (vendor === Vendor.CASHIER) {
          this.cashier.registerMerchant(String(resolved.options.merchantId), resolved.secrets.signKey);
        } else if (vendor === Vendor.SHOUQIANBA) {
          this.shouqianba.registerTerminal(String(resolved.options.terminalSn), resolved.secrets.terminalKey);
        } else if (vendor === Vendor.YUNZHANGHU) {
          this.yunzhanghu.registerDealer({
            dealerId: String(resolved.options.dealerId),
            brokerId: String(resolved.options.brokerId),
            appKey: resolved.secrets.appKey,
            des3Key: resolved.secrets.des3Key,
            notifyUrl: `${services.config.publicUrl}/callbacks/yunzhanghu/${config.platformId}`,
          });
        } else {
          // The ledger itself (accounts, balances) does not survive a restart; the credentials do.
          this.colourlife.registerPlatform({
            pno: String(resolved.options.pno),
            authAccount: resolved.secrets.authAccount,
            authPassword: resolved.secrets.authPassword,
          });
        }
        restored += 1;
      }
    }
    return restored;
  }

  stop(): void {
    this.cashier.stop();
    this.shouqianba.stop();
    this.colourlife.stop();
    this.yunzhanghu.stop();
  }
}
