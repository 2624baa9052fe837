import type { TransactionStatus, Vendor } from '../domain/enums';
import type { ResolvedProviderConfig } from '../services/provider-config-service';

/**
 * What the services need from a payments vendor, in our terms: the adapter maps its wire
 * format and status codes; the service persists and checks transitions. Ledger, payouts and
 * verification get their own small interfaces with the vendors that provide them.
 */
export type PaymentQueryOutcome =
  /** The vendor says where the payment stands. */
  | {
      kind: 'found';
      status: TransactionStatus;
      amountFen?: number;
      vendorRef?: string;
      detail: Record<string, unknown>;
    }
  /** The vendor answered with an error of its own (unknown order, merchant, ...). */
  | { kind: 'refused'; code: string; message: string }
  /** An answer we cannot trust (bad signature, server error): the outcome stays unknown. */
  | { kind: 'unverifiable'; reason: string };

export interface PaymentsAdapter {
  readonly vendor: Vendor;
  /** By our order number. Transport failures are thrown by the HTTP layer. */
  queryPayment(config: ResolvedProviderConfig, orderNo: string): Promise<PaymentQueryOutcome>;
}

/** Adapters by vendor; routing picks the one the platform configured for the operation. */
export class ProviderRegistry {
  private readonly payments = new Map<Vendor, PaymentsAdapter>();

  registerPayments(adapter: PaymentsAdapter): void {
    this.payments.set(adapter.vendor, adapter);
  }

  paymentsAdapter(vendor: Vendor): PaymentsAdapter | undefined {
    return this.payments.get(vendor);
  }
}
