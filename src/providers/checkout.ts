import type { CheckoutAction } from '../domain/enums';
import type { PaymentsAdapter } from './capabilities';
import type { ResolvedProviderConfig } from './config';

/**
 * The hosted-checkout capability as the payment service knows it: a signed page the payer is
 * sent to, built from our order. The cashier's wire stays in its folder (providers/cashier).
 */

export interface CheckoutOrder {
  orderNo: string;
  amountFen: number;
  action: CheckoutAction;
  /** Where the gateway notifies us (server to server). */
  backUrl: string;
  /** Where the payer's browser lands after paying. */
  frontUrl?: string;
  payerName?: string;
  payerIdNumber?: string;
}

export interface HostedCheckout {
  /** GET submission: open it in a browser or web view. */
  url: string;
  /** POST submission: an auto-submitting form, for pages that prefer POST. */
  formAction: string;
  formFields: Record<string, string>;
  html: string;
}

export interface CheckoutAdapter extends PaymentsAdapter {
  buildCheckout(config: ResolvedProviderConfig, order: CheckoutOrder): HostedCheckout;
}
