import { EntityKind, PayoutStatus, TransactionStatus, WebhookEndpointStatus } from './enums';

/** The entities whose status a vendor decides (the webhook endpoint's is ours). */
export type VendorEntityKind = EntityKind.TRANSACTION | EntityKind.PAYOUT;

/**
 * The one table of allowed status transitions per entity. A late, duplicated or out-of-order
 * callback that would move an entity backwards is not in the table and so changes nothing.
 * NEEDS_ATTENTION can resolve to any outcome, because only a vendor query decides it.
 */
export const TRANSACTION_TRANSITIONS: Readonly<Record<TransactionStatus, readonly TransactionStatus[]>> = {
  [TransactionStatus.PENDING]: [
    TransactionStatus.PROCESSING,
    TransactionStatus.SUCCEEDED,
    TransactionStatus.FAILED,
    TransactionStatus.CANCELED,
    TransactionStatus.NEEDS_ATTENTION,
  ],
  [TransactionStatus.PROCESSING]: [
    TransactionStatus.SUCCEEDED,
    TransactionStatus.FAILED,
    TransactionStatus.CANCELED,
    TransactionStatus.NEEDS_ATTENTION,
  ],
  [TransactionStatus.NEEDS_ATTENTION]: [
    TransactionStatus.PROCESSING,
    TransactionStatus.SUCCEEDED,
    TransactionStatus.FAILED,
    TransactionStatus.CANCELED,
  ],
  [TransactionStatus.SUCCEEDED]: [],
  [TransactionStatus.FAILED]: [],
  [TransactionStatus.CANCELED]: [],
};

export const PAYOUT_TRANSITIONS: Readonly<Record<PayoutStatus, readonly PayoutStatus[]>> = {
  [PayoutStatus.PENDING]: [
    PayoutStatus.PROCESSING,
    PayoutStatus.ON_HOLD,
    PayoutStatus.SUCCEEDED,
    PayoutStatus.FAILED,
    PayoutStatus.NEEDS_ATTENTION,
  ],
  // A WeChat red packet not claimed within 24 h is returned (9/213) without ever succeeding.
  [PayoutStatus.PROCESSING]: [
    PayoutStatus.ON_HOLD,
    PayoutStatus.SUCCEEDED,
    PayoutStatus.FAILED,
    PayoutStatus.RETURNED,
    PayoutStatus.NEEDS_ATTENTION,
  ],
  [PayoutStatus.ON_HOLD]: [
    PayoutStatus.PROCESSING,
    PayoutStatus.SUCCEEDED,
    PayoutStatus.FAILED,
    PayoutStatus.NEEDS_ATTENTION,
  ],
  [PayoutStatus.NEEDS_ATTENTION]: [
    PayoutStatus.PROCESSING,
    PayoutStatus.ON_HOLD,
    PayoutStatus.SUCCEEDED,
    PayoutStatus.FAILED,
    PayoutStatus.RETURNED,
  ],
  // A paid payout can still be returned by the bank (Yunzhanghu 退汇, status 9).
  [PayoutStatus.SUCCEEDED]: [PayoutStatus.RETURNED],
  [PayoutStatus.FAILED]: [],
  [PayoutStatus.RETURNED]: [],
};

/** An endpoint is disabled by its owner or after failing deliveries, and enabled again by its owner. */
export const WEBHOOK_ENDPOINT_TRANSITIONS: Readonly<Record<WebhookEndpointStatus, readonly WebhookEndpointStatus[]>> = {
  [WebhookEndpointStatus.ENABLED]: [WebhookEndpointStatus.DISABLED],
  [WebhookEndpointStatus.DISABLED]: [WebhookEndpointStatus.ENABLED],
};

export function canTransition<S extends string>(table: Readonly<Record<S, readonly S[]>>, from: S, to: S): boolean {
  return table[from].includes(to);
}

export function isTerminal<S extends string>(table: Readonly<Record<S, readonly S[]>>, status: S): boolean {
  return table[status].length === 0;
}

/**
 * The one predicate for "finished": nothing more is to be asked of the vendor about an entity
 * in this status. A transaction is finished in a terminal status. A payout also once it
 * SUCCEEDED: a later bank return (退汇) arrives by notification or reconciliation, never by
 * polling, so polls stop there.
 */
export function isFinished(kind: VendorEntityKind, status: string): boolean {
  if (kind === EntityKind.TRANSACTION) return isTerminal(TRANSACTION_TRANSITIONS, status as TransactionStatus);
  return status === PayoutStatus.SUCCEEDED || isTerminal(PAYOUT_TRANSITIONS, status as PayoutStatus);
}
