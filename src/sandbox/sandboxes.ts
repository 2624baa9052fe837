import express, { type Router } from 'express';
import { Vendor } from '../domain/enums';
import { ProviderConfig } from '../entities';
import type { Logger } from '../logging/logger';
import type { Services } from '../services/services';
import { CashierSandbox } from './cashier/cashier-sandbox';

export const SANDBOX_VENDORS = ['cashier'] as const;
export type SandboxVendor = (typeof SANDBOX_VENDORS)[number];

/** The vendor emulators that ship with paygraph, mounted under /sandbox/<vendor>. */
export class Sandboxes {
  readonly cashier: CashierSandbox;

  constructor(logger: Logger) {
    this.cashier = Sandboxes.create('cashier', logger, '/sandbox/cashier');
  }

  /** One emulator, for mounting at `mountPath` (in-process) or at the root (standalone). */
  static create(vendor: SandboxVendor, logger: Logger, mountPath: string): CashierSandbox {
    switch (vendor) {
      case 'cashier':
        return new CashierSandbox(logger, mountPath);
    }
  }

  router(): Router {
    const router = express.Router();
    router.use('/sandbox/cashier', this.cashier.router());
    return router;
  }

  /** The base URL a platform configures to use a sandbox of this server. */
  static baseUrl(publicUrl: string, vendor: SandboxVendor): string {
    return `${publicUrl}/sandbox/${vendor}`;
  }

  /**
   * Sandbox state lives in memory; on start, re-register the merchants of every platform that
   * points at this server's sandboxes, so their credentials keep working across restarts.
   */
  async restoreMerchants(services: Services): Promise<number> {
    const configs = await services.db.manager.findBy(ProviderConfig, { vendor: Vendor.CASHIER });
    let restored = 0;
    for (const config of configs) {
      if (!config.baseUrl.endsWith('/sandbox/cashier')) continue;
      const resolved = await services.providerConfigs.resolve(config.platformId, Vendor.CASHIER).catch(() => undefined);
      if (!resolved) continue;
      this.cashier.registerMerchant(String(resolved.options.merchantId), resolved.secrets.signKey);
      restored += 1;
    }
    return restored;
  }

  stop(): void {
    this.cashier.stop();
  }
}
