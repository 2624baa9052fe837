import { describeEnum } from './describe-enum';
import {
  AccountOwnerKind,
  AccountTypeKind,
  CheckoutAction,
  CurrencyCode,
  DiscrepancyKind,
  EntityKind,
  EventType,
  WebhookDeliveryKind,
  WebhookDeliveryStatus,
  WebhookEndpointStatus,
  EventSource,
  FailureReason,
  LedgerTransferKind,
  PayoutChannel,
  PayoutStatus,
  ReconciliationStatus,
  RecordStatus,
  TransactionKind,
  TransactionStatus,
  Vendor,
  VerificationStatus,
} from '../domain/enums';
import { ErrorCode } from '../errors/app-errors';

const NEEDS_ATTENTION =
  'The outcome is not confirmed by the vendor: money may or may not have moved. paygraph keeps asking the vendor; a person may have to look. Never treat it as failed.';

describeEnum(Vendor, 'Vendor', 'A payment vendor paygraph speaks to. More may be added: handle an unknown value.', {
  COLOURLIFE: 'The Colourlife ledger: accounts, balances and transfers between them (fanpiao, WeChat, Alipay).',
  YUNZHANGHU: 'Yunzhanghu: payouts to bank cards, Alipay and WeChat, and identity and bank card verification.',
  CASHIER: 'The hosted cashier: a checkout page where the payer pays by bank, WeChat or Alipay.',
  SHOUQIANBA: "Shouqianba: in-store payments, by scanning the payer's payment code or a QR code the payer scans.",
});
describeEnum(RecordStatus, 'RecordStatus', 'Whether a client, biz or account may transact.', {
  ACTIVE: 'It may transact.',
  FORBIDDEN: 'It may not transact until recovered.',
});
describeEnum(AccountTypeKind, 'AccountTypeKind', 'The kind of money a ledger account holds.', {
  FANPIAO: "National fanpiao: the ledger's stored value, usable everywhere.",
  LOCAL_FANPIAO: 'Local fanpiao: stored value usable in one area; exchanged with national fanpiao at a rate.',
  WECHAT: 'Money paid into the ledger with WeChat Pay.',
  ALIPAY: 'Money paid into the ledger with Alipay.',
  LHQ: 'Money held with the Shuangqian (LHQ) payment company.',
});
describeEnum(AccountOwnerKind, 'AccountOwnerKind', 'Who owns a ledger account.', {
  PLATFORM: 'Your platform: its own account of each type issues and receives money.',
  BIZ: 'A merchant (biz) of your platform.',
  CLIENT: 'An end user (client) of your platform.',
});
describeEnum(CheckoutAction, 'CheckoutAction', 'How the payer pays on the hosted checkout page.', {
  BANK: 'By bank card.',
  WECHAT: 'With WeChat Pay.',
  ALIPAY: 'With Alipay.',
  ARBI: 'The payer chooses among the methods your merchant account offers.',
});
describeEnum(LedgerTransferKind, 'LedgerTransferKind', 'What a ledger transfer is, as the ledger records it.', {
  TRANSFER: 'Between two clients.',
  RECHARGE: 'From the platform to a client or biz: money issued into the ledger.',
  EXCHANGE: "Between national and local fanpiao, at the platform's rate.",
  WITHDRAW: 'From a client or biz back to the platform.',
  CONSUME: 'A client paying a biz.',
  REVERSAL: 'A biz paying a client back.',
  OTHER: 'Between two bizs.',
  THIRD_PARTY: 'A WeChat or Alipay payment into the ledger.',
});
describeEnum(TransactionKind, 'TransactionKind', 'What a transaction is.', {
  LEDGER: 'A transfer between two ledger accounts.',
  PAYMENT: 'A payment collected from a payer (hosted checkout or in store).',
  REFUND: 'A refund of a payment; its `parent` is the payment.',
});
describeEnum(
  TransactionStatus,
  'TransactionStatus',
  'Where a payment, refund or ledger transfer stands. Statuses only move forward; SUCCEEDED, FAILED and CANCELED are final.',
  {
    PENDING: 'Created here; not yet accepted by the vendor.',
    PROCESSING: 'Accepted by the vendor; waiting for the payer or the vendor.',
    SUCCEEDED: 'Money moved. Final.',
    FAILED: 'Money did not move; `failure` says why. Final.',
    CANCELED: 'Canceled before money moved. Final.',
    NEEDS_ATTENTION,
  },
);
describeEnum(
  FailureReason,
  'FailureReason',
  "Why a vendor refused or failed an operation; the vendor's own code travels with it as `vendorCode`. More may be added: handle an unknown value.",
  {
    INSUFFICIENT_FUNDS: 'The payer, or the paying account, has too little money.',
    BARCODE_EXPIRED: "The payer's payment code has expired: ask for a fresh one.",
    BARCODE_INVALID: "The payer's payment code is not valid.",
    PAYER_DAILY_LIMIT: "The payer reached the wallet's daily limit.",
    PAYER_TRANSACTION_LIMIT: "The amount is over the wallet's limit for one payment.",
    MERCHANT_DAILY_LIMIT: 'Your merchant account reached its daily limit.',
    MERCHANT_BALANCE_INSUFFICIENT: 'Your merchant balance is too low for this refund or payout.',
    ORDER_NOT_FOUND: 'The vendor has no such order.',
    ALREADY_PAID: 'The order is already paid.',
    REFUND_AMOUNT_INVALID: 'The refund amount is more than what can be refunded.',
    DECLINED: 'The payer or the wallet declined the payment.',
    DUPLICATE_ORDER: 'The vendor already has an order with this number.',
    DUPLICATE_REFUND: 'The vendor already has a refund with this number.',
    INVALID_ORDER_STATE: 'The order is in a state that does not allow this operation.',
    PROVIDER_UNSUPPORTED: 'The vendor does not support this operation.',
    INVALID_REQUEST: 'The vendor found the request malformed.',
    TERMINAL_INVALID: 'The in-store terminal is not activated or not valid.',
    SIGNATURE_REJECTED: 'The vendor rejected our credentials or signature: check the provider configuration.',
    VENDOR_SYSTEM_ERROR: 'An error inside the vendor.',
    VENDOR_MAINTENANCE: 'The vendor is under maintenance.',
    VENDOR_UNREACHABLE: 'Nothing was sent: the vendor could not be reached.',
    PAYER_SIDE_UNCONFIRMED: "The payer's side of the payment is not confirmed by the vendor.",
    TRANSFER_NOT_ALLOWED: "The ledger's rules do not allow a transfer between these accounts.",
    ACCOUNT_FORBIDDEN: 'The account is forbidden at the vendor.',
    EXPIRED: 'Past its validity window.',
    PAYEE_ACCOUNT_INVALID: "The payee's account (bank card, Alipay account, WeChat openid) is wrong.",
    PAYEE_IDENTITY_MISMATCH:
      "The payee's name or ID number does not match the account, or identity verification failed.",
    PAYEE_ACCOUNT_RESTRICTED: "The payee's account is restricted and cannot receive money.",
    RISK_BLOCKED: 'The channel blocked the payment as risky.',
    PAYEE_LIMIT: 'The payee received too many payments today, or too fast.',
    AMOUNT_OUT_OF_RANGE: "The amount is outside the channel's limits.",
    PAYOUT_FAILED: "The vendor's own payout failed.",
    CANCELED_BY_VENDOR: 'The vendor canceled it.',
    VERIFICATION_CODE_INVALID: 'The SMS code entered does not match the one sent.',
    VERIFICATION_CODE_EXPIRED: 'The SMS code expired: request a new one.',
    VERIFICATION_REQUEST_INVALID: 'The verification request is unknown, or was made for other card details.',
    UNRECOGNISED: 'A code the vendor does not document; `vendorCode` says which.',
  },
);
describeEnum(PayoutChannel, 'PayoutChannel', 'Where a payout pays the money.', {
  BANK_CARD: "To the payee's bank card.",
  ALIPAY: "To the payee's Alipay account.",
  WECHAT: "To the payee's WeChat (by openid), as a red packet the payee claims.",
});
describeEnum(
  VerificationStatus,
  'VerificationStatus',
  'Where a verification stands; `verified` is true only for VERIFIED.',
  {
    VERIFIED: 'The vendor confirmed the details.',
    CODE_SENT: 'An SMS code was sent; confirmBankCardVerification finishes it. Not verified yet.',
    REJECTED: 'The vendor refused; `failure` says why.',
  },
);
describeEnum(
  PayoutStatus,
  'PayoutStatus',
  'Where a payout stands. Statuses only move forward; FAILED and RETURNED are final, and a SUCCEEDED payout can still be RETURNED by the bank.',
  {
    PENDING: 'Created here; not yet accepted by the vendor.',
    PROCESSING: 'Accepted by the vendor and being paid (a WeChat red packet waits to be claimed).',
    ON_HOLD: 'Held by the vendor, usually until your balance there covers it.',
    SUCCEEDED: 'Paid to the payee. A bank may still return it (RETURNED).',
    FAILED: 'Not paid; `failure` says why. Final.',
    RETURNED: 'Paid, then returned by the bank or unclaimed: the money is back with you. Final.',
    NEEDS_ATTENTION,
  },
);
describeEnum(EventType, 'EventType', 'A kind of status change to read from the events feed. More may be added.', {
  PAYMENT: "A payment's status changes.",
  REFUND: "A refund's status changes.",
  LEDGER: "A ledger transfer's status changes.",
  PAYOUT: "A payout's status changes.",
  WEBHOOK_ENDPOINT:
    'A webhook endpoint disabled or enabled again (by you, or by paygraph after its deliveries failed for 3 days).',
});
describeEnum(EntityKind, 'EntityKind', 'What a status event is about.', {
  TRANSACTION: 'A payment, refund or ledger transfer.',
  PAYOUT: 'A payout.',
  WEBHOOK_ENDPOINT: 'A webhook endpoint of yours.',
});
describeEnum(EventSource, 'EventSource', 'Where a status change came from.', {
  API: 'A call to this API, or its direct answer from the vendor.',
  CALLBACK: 'A notification the vendor sent.',
  POLL: 'paygraph asking the vendor (a background job, or a sync mutation).',
  RECONCILE: "The vendor's daily records.",
  SYSTEM: 'paygraph itself, such as an endpoint disabled after its deliveries failed for the whole retry window.',
});
describeEnum(
  WebhookEndpointStatus,
  'WebhookEndpointStatus',
  'Whether paygraph delivers events to a webhook endpoint.',
  {
    ENABLED: 'Events are delivered.',
    DISABLED: 'Nothing is sent; events keep queueing and are delivered once it is enabled again.',
  },
);
describeEnum(WebhookDeliveryStatus, 'WebhookDeliveryStatus', 'Where one delivery of an event to an endpoint stands.', {
  PENDING:
    'Not yet answered with a 2xx: waiting behind an earlier event of its entity, being sent, or waiting to be retried.',
  DELIVERED: 'Your endpoint answered 2xx within 10 seconds.',
  FAILED: 'A one-off send (a redelivery or a test event) that was not answered with a 2xx; it is not retried.',
});
describeEnum(WebhookDeliveryKind, 'WebhookDeliveryKind', 'Why a delivery was made.', {
  EVENT: 'An event of the log: delivered in order per entity, retried until delivered.',
  REDELIVERY: 'redeliverWebhookEvent: one attempt, outside the order.',
  TEST: 'sendTestWebhookEvent: one attempt of a test event that is not in the log.',
});
describeEnum(ErrorCode, 'ErrorCode', 'The `extensions.code` of a GraphQL error.', {
  UNAUTHENTICATED: 'No valid API key or client token.',
  FORBIDDEN: 'The credential may not do this (a client token acting for the platform).',
  NOT_FOUND: 'No such object, or not one you can see.',
  BAD_USER_INPUT: 'The input is invalid; `extensions.fields` lists each field and why.',
  CONFLICT: 'The idempotency key was used with other input, or a request with it is still in progress.',
  PROVIDER_ERROR: 'The vendor failed a read that has no result type.',
  RATE_LIMITED: 'Reserved: nothing answers it yet.',
  INTERNAL_SERVER_ERROR: 'An error on our side; nothing is leaked. Retry with the same idempotency key.',
});
describeEnum(ReconciliationStatus, 'ReconciliationStatus', "Whether a day's payouts matched the vendor's records.", {
  MATCHED: 'Every payout matched the vendor in amount and status, and the vendor has none we lack.',
  DISCREPANCIES: 'At least one difference: see `discrepancies`.',
});
describeEnum(DiscrepancyKind, 'DiscrepancyKind', "How a payout and the vendor's record of it differ.", {
  MISSING_LOCALLY: 'The vendor has an order we have no payout for.',
  MISSING_AT_VENDOR: 'We have a payout the vendor has no record of.',
  AMOUNT_MISMATCH: 'The amounts differ.',
  STATUS_MISMATCH: 'The statuses differ (our payout may still be settling).',
  UNKNOWN_AT_VENDOR: 'The vendor does not know the outcome yet, or reports a status it does not document.',
});
describeEnum(CurrencyCode, 'CurrencyCode', 'A currency (ISO 4217). More may be added: handle an unknown value.', {
  CNY: 'Chinese yuan (renminbi); 1 yuan = 100 fen.',
});
