import {
  Vendor,
  type LedgerTransferKind,
  type PayoutChannel,
  type PayoutStatus,
  type TransactionStatus,
} from '../domain/enums';
import type { ProviderConfigSource, ResolvedProviderConfig } from './config';
import type { ReportedAmount } from '../domain/vendor-amount';
import type { VendorFailure } from './failures';

/**
 * What the services need from each kind of vendor, in our terms: each adapter maps its wire
 * format and codes into these outcomes; the services persist them and check transitions.
 * Vendor-specific flows (a Shouqianba pay, a Yunzhanghu order) stay in their own services; what
 * every vendor of a capability must answer the same way is here.
 */
export enum Capability {
  PAYMENTS = 'PAYMENTS',
  LEDGER = 'LEDGER',
  PAYOUTS = 'PAYOUTS',
  VERIFICATION = 'VERIFICATION',
}

/** Which vendors provide which capability, in order of preference. */
export const CAPABILITY_VENDORS: Readonly<Record<Capability, readonly Vendor[]>> = {
  [Capability.PAYMENTS]: [Vendor.SHOUQIANBA, Vendor.CASHIER],
  [Capability.LEDGER]: [Vendor.COLOURLIFE],
  [Capability.PAYOUTS]: [Vendor.YUNZHANGHU],
  [Capability.VERIFICATION]: [Vendor.YUNZHANGHU],
};

/** Transport outcomes every capability shares. */
export type Unreachable = { kind: 'unreachable'; reason: string };
export type Unverifiable = { kind: 'unverifiable'; reason: string };

export type PaymentQueryOutcome =
  /** The vendor says where the payment stands. */
  | {
      kind: 'found';
      status: TransactionStatus;
      /** Checked against ours by the one amount rule: undefined (missing, unreadable) is never accepted. */
      amount: ReportedAmount;
      vendorRef?: string;
      detail: Record<string, unknown>;
    }
  /** The vendor answered with an error of its own (unknown order, merchant, ...). */
  | { kind: 'refused'; code: string; message: string }
  /** An answer we cannot trust (bad signature, server error): the outcome stays unknown. */
  | Unverifiable
  /** Nothing was sent: the vendor could not be reached. */
  | Unreachable;

export interface PaymentsAdapter {
  readonly vendor: Vendor;
  /** By our order number. Transport failures are thrown by the HTTP layer. */
  queryPayment(config: ResolvedProviderConfig, orderNo: string): Promise<PaymentQueryOutcome>;
}

export type TransferQueryOutcome =
  | {
      kind: 'found';
      status: TransactionStatus;
      /** Our order number, as the ledger recorded it. */
      orderNo: string;
      vendorRef: string;
      payerAmountFen?: number;
      payeeAmountFen?: number;
      /** An exchange between account types: the two amounts differ by the rate. */
      exchange: boolean;
      /** The kind the ledger recorded; undefined when it named none we know. */
      transferKind?: LedgerTransferKind;
      detail: Record<string, unknown>;
    }
  | { kind: 'refused'; failure: VendorFailure }
  | Unverifiable
  | Unreachable;

export interface LedgerAdapter {
  readonly vendor: Vendor;
  /** By the ledger's own transaction number. */
  queryTransfer(config: ResolvedProviderConfig, vendorRef: string): Promise<TransferQueryOutcome>;
}

export type PayoutQueryOutcome =
  | {
      kind: 'found';
      status: PayoutStatus;
      /** Checked against ours by the one amount rule: undefined (missing, unreadable) is never accepted. */
      amount: ReportedAmount;
      vendorRef?: string;
      /** Kept on the status event. */
      detail: Record<string, unknown>;
      /** Merged into the payout's vendor data: the vendor's status words as last reported, and why it failed. */
      vendorData: Record<string, unknown>;
    }
  | { kind: 'refused'; failure: VendorFailure }
  | Unverifiable
  | Unreachable;

export interface PayoutsAdapter {
  readonly vendor: Vendor;
  /** By our order number. */
  queryPayout(config: ResolvedProviderConfig, orderNo: string, channel: PayoutChannel): Promise<PayoutQueryOutcome>;
}

export type VerificationCallOutcome =
  { kind: 'verified' } | { kind: 'rejected'; failure: VendorFailure } | Unverifiable | Unreachable;

export interface VerificationAdapter {
  readonly vendor: Vendor;
  verifyIdentity(
    config: ResolvedProviderConfig,
    person: { idCard: string; realName: string },
  ): Promise<VerificationCallOutcome>;
  /** Four factors with a mobile number, three without. */
  verifyBankCard(
    config: ResolvedProviderConfig,
    card: { cardNo: string; idCard: string; realName: string; mobile?: string },
  ): Promise<VerificationCallOutcome>;
}

interface AdapterOf {
  [Capability.PAYMENTS]: PaymentsAdapter;
  [Capability.LEDGER]: LedgerAdapter;
  [Capability.PAYOUTS]: PayoutsAdapter;
  [Capability.VERIFICATION]: VerificationAdapter;
}

/**
 * Adapters by capability and vendor, and the routing of an operation to the vendor its
 * platform configured: a platform's configuration (configureProvider) decides which vendor a
 * mutation reaches; pointing it at a sandbox or the real service is only its base URL.
 */
export class ProviderRegistry {
  private readonly adapters = new Map<Capability, Map<Vendor, unknown>>();

  constructor(private readonly configs?: ProviderConfigSource) {}

  register<C extends Capability>(capability: C, adapter: AdapterOf[C]): void {
    if (!CAPABILITY_VENDORS[capability].includes(adapter.vendor)) {
      throw new Error(`${adapter.vendor} does not provide ${capability}`);
    }
    const byVendor = this.adapters.get(capability) ?? new Map<Vendor, unknown>();
    byVendor.set(adapter.vendor, adapter);
    this.adapters.set(capability, byVendor);
  }

  adapter<C extends Capability>(capability: C, vendor: Vendor): AdapterOf[C] | undefined {
    return this.adapters.get(capability)?.get(vendor) as AdapterOf[C] | undefined;
  }

  /** Kept for the payments callers. */
  registerPayments(adapter: PaymentsAdapter): void {
    this.register(Capability.PAYMENTS, adapter);
  }

  paymentsAdapter(vendor: Vendor): PaymentsAdapter | undefined {
    return this.adapter(Capability.PAYMENTS, vendor);
  }

  /**
   * The vendor (and its configuration) this platform configured for the capability, among
   * `candidates` (default: every vendor that provides it), in order of preference; undefined
   * when it configured none: the caller answers PROVIDER_NOT_CONFIGURED.
   */
  async route(
    platformId: string,
    capability: Capability,
    candidates: readonly Vendor[] = CAPABILITY_VENDORS[capability],
  ): Promise<{ vendor: Vendor; config: ResolvedProviderConfig } | undefined> {
    if (!this.configs) throw new Error('ProviderRegistry.route needs the provider configurations');
    for (const vendor of candidates) {
      if (!CAPABILITY_VENDORS[capability].includes(vendor)) continue;
      const config = await this.configs.resolve(platformId, vendor).catch(() => undefined);
      if (config) return { vendor, config };
    }
    return undefined;
  }

  /** The configuration `route` picks, or undefined when the platform configured none of the candidates. */
  async configOf(
    platformId: string,
    capability: Capability,
    candidates?: readonly Vendor[],
  ): Promise<ResolvedProviderConfig | undefined> {
    return (await this.route(platformId, capability, candidates))?.config;
  }

  /** For jobs: the configuration, or an error when the platform has removed it since the job was queued. */
  async requireConfig(
    platformId: string,
    capability: Capability,
    candidates?: readonly Vendor[],
  ): Promise<ResolvedProviderConfig> {
    const config = await this.configOf(platformId, capability, candidates);
    if (!config) throw new Error(`${candidates?.join(' or ') ?? capability} is not configured for this platform`);
    return config;
  }
}
