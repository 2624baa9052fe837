import type { Vendor } from '../domain/enums';

/**
 * What an adapter receives: everything needed to call the vendor for one platform. Defined
 * here, with the adapters, so providers depend on no service; the configuration service
 * produces it.
 */
export interface ResolvedProviderConfig {
  vendor: Vendor;
  baseUrl: string;
  secrets: Record<string, string>;
  options: Record<string, unknown>;
}

/** Where the registry finds a platform's configuration of a vendor (the configuration service). */
export interface ProviderConfigSource {
  resolve(platformId: string, vendor: Vendor): Promise<ResolvedProviderConfig>;
}
