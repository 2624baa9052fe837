/**
 * Domain enums shared by entities, services and the GraphQL schema. Values are stored as
 * strings (not DB enums) so adding a member is a code change, not a schema migration.
 */

export enum Vendor {
  COLOURLIFE = 'COLOURLIFE',
  YUNZHANGHU = 'YUNZHANGHU',
  CASHIER = 'CASHIER',
  SHOUQIANBA = 'SHOUQIANBA',
}

export enum RecordStatus {
  ACTIVE = 'ACTIVE',
  FORBIDDEN = 'FORBIDDEN',
}

export enum AccountTypeKind {
  /** 全国饭票 */
  FANPIAO = 'FANPIAO',
  /** 地方饭票 */
  LOCAL_FANPIAO = 'LOCAL_FANPIAO',
  WECHAT = 'WECHAT',
  ALIPAY = 'ALIPAY',
  /** 双乾支付 */
  LHQ = 'LHQ',
}

export enum AccountOwnerKind {
  PLATFORM = 'PLATFORM',
  BIZ = 'BIZ',
  CLIENT = 'CLIENT',
}

export enum TransactionKind {
  /** A transfer between two ledger accounts (Colourlife). */
  LEDGER = 'LEDGER',
  /** A payment collected from a payer through a payment gateway (Shouqianba, cashier). */
  PAYMENT = 'PAYMENT',
  /** A refund; always the child of a PAYMENT. */
  REFUND = 'REFUND',
}

/**
 * The unified transaction status. Every vendor code maps into exactly one of these in its
 * adapter's status map. NEEDS_ATTENTION means "the outcome is not confirmed": money may or may
 * not have moved, and only a vendor query (or a person) may resolve it.
 */
export enum TransactionStatus {
  PENDING = 'PENDING',
  PROCESSING = 'PROCESSING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  CANCELED = 'CANCELED',
  NEEDS_ATTENTION = 'NEEDS_ATTENTION',
}

export enum PayoutChannel {
  BANK_CARD = 'BANK_CARD',
  ALIPAY = 'ALIPAY',
  WECHAT = 'WECHAT',
}

export enum PayoutStatus {
  PENDING = 'PENDING',
  PROCESSING = 'PROCESSING',
  ON_HOLD = 'ON_HOLD',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  RETURNED = 'RETURNED',
  NEEDS_ATTENTION = 'NEEDS_ATTENTION',
}

export enum EntityKind {
  TRANSACTION = 'TRANSACTION',
  PAYOUT = 'PAYOUT',
  WEBHOOK_ENDPOINT = 'WEBHOOK_ENDPOINT',
}

/** Where a status change came from; recorded on every StatusEvent. */
export enum EventSource {
  API = 'API',
  CALLBACK = 'CALLBACK',
  POLL = 'POLL',
  RECONCILE = 'RECONCILE',
  /** paygraph itself: an endpoint disabled after its deliveries failed for the whole retry window. */
  SYSTEM = 'SYSTEM',
}

/** ISO 4217 currency codes paygraph handles. Every vendor here settles in yuan. */
export enum CurrencyCode {
  CNY = 'CNY',
}

export const CURRENCY_CNY = CurrencyCode.CNY;

/**
 * Why a vendor refused or failed an operation, in our terms. Each vendor's error codes map
 * into these in its adapter; the vendor's own code travels with it (`vendorCode`).
 */
export enum FailureReason {
  INSUFFICIENT_FUNDS = 'INSUFFICIENT_FUNDS',
  BARCODE_EXPIRED = 'BARCODE_EXPIRED',
  BARCODE_INVALID = 'BARCODE_INVALID',
  PAYER_DAILY_LIMIT = 'PAYER_DAILY_LIMIT',
  PAYER_TRANSACTION_LIMIT = 'PAYER_TRANSACTION_LIMIT',
  MERCHANT_DAILY_LIMIT = 'MERCHANT_DAILY_LIMIT',
  MERCHANT_BALANCE_INSUFFICIENT = 'MERCHANT_BALANCE_INSUFFICIENT',
  ORDER_NOT_FOUND = 'ORDER_NOT_FOUND',
  ALREADY_PAID = 'ALREADY_PAID',
  REFUND_AMOUNT_INVALID = 'REFUND_AMOUNT_INVALID',
  DECLINED = 'DECLINED',
  DUPLICATE_ORDER = 'DUPLICATE_ORDER',
  DUPLICATE_REFUND = 'DUPLICATE_REFUND',
  INVALID_ORDER_STATE = 'INVALID_ORDER_STATE',
  PROVIDER_UNSUPPORTED = 'PROVIDER_UNSUPPORTED',
  INVALID_REQUEST = 'INVALID_REQUEST',
  TERMINAL_INVALID = 'TERMINAL_INVALID',
  SIGNATURE_REJECTED = 'SIGNATURE_REJECTED',
  VENDOR_SYSTEM_ERROR = 'VENDOR_SYSTEM_ERROR',
  VENDOR_MAINTENANCE = 'VENDOR_MAINTENANCE',
  /** Nothing was sent: the vendor could not be reached. */
  VENDOR_UNREACHABLE = 'VENDOR_UNREACHABLE',
  /** The payer-side outcome is not confirmed by the vendor (PAY_FAIL_ERROR and the like). */
  PAYER_SIDE_UNCONFIRMED = 'PAYER_SIDE_UNCONFIRMED',
  /** The ledger's matrix of payer and payee roles and account types refuses this transfer. */
  TRANSFER_NOT_ALLOWED = 'TRANSFER_NOT_ALLOWED',
  ACCOUNT_FORBIDDEN = 'ACCOUNT_FORBIDDEN',
  /** Past its validity window (stoptime). */
  EXPIRED = 'EXPIRED',
  /** The payee's account (card, Alipay, WeChat openid) is wrong. */
  PAYEE_ACCOUNT_INVALID = 'PAYEE_ACCOUNT_INVALID',
  /** The payee's name or ID does not match the account, or identity verification failed. */
  PAYEE_IDENTITY_MISMATCH = 'PAYEE_IDENTITY_MISMATCH',
  PAYEE_ACCOUNT_RESTRICTED = 'PAYEE_ACCOUNT_RESTRICTED',
  /** The channel blocked the payment as risky. */
  RISK_BLOCKED = 'RISK_BLOCKED',
  /** The payee received too many payments today, or too fast. */
  PAYEE_LIMIT = 'PAYEE_LIMIT',
  AMOUNT_OUT_OF_RANGE = 'AMOUNT_OUT_OF_RANGE',
  /** The vendor's own payout failed (system or broker payment). */
  PAYOUT_FAILED = 'PAYOUT_FAILED',
  CANCELED_BY_VENDOR = 'CANCELED_BY_VENDOR',
  /** The SMS code entered does not match the one sent. */
  VERIFICATION_CODE_INVALID = 'VERIFICATION_CODE_INVALID',
  /** The SMS code was entered after it expired: request a new one. */
  VERIFICATION_CODE_EXPIRED = 'VERIFICATION_CODE_EXPIRED',
  /** The verification request (its ref) is unknown, or was made for other card details. */
  VERIFICATION_REQUEST_INVALID = 'VERIFICATION_REQUEST_INVALID',
  /** A code the vendor's spec does not list; `vendorCode` says which. */
  UNRECOGNISED = 'UNRECOGNISED',
}

/** Where an identity or bank card verification stands. */
export enum VerificationStatus {
  /** The vendor confirmed the details. */
  VERIFIED = 'VERIFIED',
  /** An SMS code was sent to the card's mobile; confirm it to finish. Nothing is verified yet. */
  CODE_SENT = 'CODE_SENT',
  /** The vendor refused: `failure` says why. */
  REJECTED = 'REJECTED',
}

/** How the payer pays at the hosted cashier. */
export enum CheckoutAction {
  BANK = 'BANK',
  WECHAT = 'WECHAT',
  ALIPAY = 'ALIPAY',
  /** The payer chooses among the merchant's methods. */
  ARBI = 'ARBI',
}

/** The kind of a ledger transfer (1.3 交易类型), plus WeChat/Alipay payments into the ledger. */
export enum LedgerTransferKind {
  TRANSFER = 'TRANSFER',
  RECHARGE = 'RECHARGE',
  EXCHANGE = 'EXCHANGE',
  WITHDRAW = 'WITHDRAW',
  CONSUME = 'CONSUME',
  REVERSAL = 'REVERSAL',
  OTHER = 'OTHER',
  THIRD_PARTY = 'THIRD_PARTY',
}

/** The outcome of reconciling one day of payouts with the vendor's records. */
export enum ReconciliationStatus {
  MATCHED = 'MATCHED',
  DISCREPANCIES = 'DISCREPANCIES',
}

/** How a payout and the vendor's record of it differ. */
export enum DiscrepancyKind {
  MISSING_LOCALLY = 'MISSING_LOCALLY',
  MISSING_AT_VENDOR = 'MISSING_AT_VENDOR',
  AMOUNT_MISMATCH = 'AMOUNT_MISMATCH',
  STATUS_MISMATCH = 'STATUS_MISMATCH',
  UNKNOWN_AT_VENDOR = 'UNKNOWN_AT_VENDOR',
}

/** The kinds of status change a merchant server can ask for (the events feed, webhooks). */
export enum EventType {
  PAYMENT = 'PAYMENT',
  REFUND = 'REFUND',
  LEDGER = 'LEDGER',
  PAYOUT = 'PAYOUT',
  WEBHOOK_ENDPOINT = 'WEBHOOK_ENDPOINT',
}

/** Whether paygraph delivers to a webhook endpoint. */
export enum WebhookEndpointStatus {
  ENABLED = 'ENABLED',
  DISABLED = 'DISABLED',
}

/** Where one delivery of an event to an endpoint stands. */
export enum WebhookDeliveryStatus {
  /** Not yet answered with a 2xx: waiting for its turn, being sent, or waiting for a retry. */
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  /** A one-off send (a redelivery or a test event) that was not answered with a 2xx. */
  FAILED = 'FAILED',
}

/** Why a delivery exists. */
export enum WebhookDeliveryKind {
  /** An event of the log, delivered in order and retried until delivered. */
  EVENT = 'EVENT',
  /** redeliverWebhookEvent: one attempt, outside the order. */
  REDELIVERY = 'REDELIVERY',
  /** sendTestWebhookEvent: one attempt of a test event that is not in the log. */
  TEST = 'TEST',
}
