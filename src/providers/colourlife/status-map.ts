import { FailureReason, LedgerTransferKind, TransactionStatus } from '../../domain/enums';
import {
  CODES,
  TRANSACTION_STATUSES,
  TRANSACTION_TYPES,
  type TransactionStatusCode,
  type TransactionTypeCode,
} from './wire-types';

/** Every transaction type (transtype) into our kind of transfer, and back. */
const TRANSFER_KINDS: Record<TransactionTypeCode, LedgerTransferKind> = {
  [TRANSACTION_TYPES.TRANSFER]: LedgerTransferKind.TRANSFER,
  [TRANSACTION_TYPES.RECHARGE]: LedgerTransferKind.RECHARGE,
  [TRANSACTION_TYPES.EXCHANGE]: LedgerTransferKind.EXCHANGE,
  [TRANSACTION_TYPES.WITHDRAW]: LedgerTransferKind.WITHDRAW,
  [TRANSACTION_TYPES.CONSUME]: LedgerTransferKind.CONSUME,
  [TRANSACTION_TYPES.REVERSAL]: LedgerTransferKind.REVERSAL,
  [TRANSACTION_TYPES.OTHER]: LedgerTransferKind.OTHER,
  [TRANSACTION_TYPES.THIRD_PARTY]: LedgerTransferKind.THIRD_PARTY,
};
const TRANSACTION_TYPE_OF = Object.fromEntries(
  Object.entries(TRANSFER_KINDS).map(([code, kind]) => [kind, Number(code)]),
) as Record<LedgerTransferKind, TransactionTypeCode>;

/** Our kind of a transfer the ledger recorded; undefined for a transtype the spec does not define. */
export function transferKindOf(transtype: number | undefined): LedgerTransferKind | undefined {
  return transtype === undefined ? undefined : TRANSFER_KINDS[transtype as TransactionTypeCode];
}

/** The transtype to ask the ledger's list for. */
export function transactionTypeOf(kind: LedgerTransferKind): TransactionTypeCode {
  return TRANSACTION_TYPE_OF[kind];
}

/** Every transaction status we know into the unified status, with no default branch. */
export function ledgerStatusOf(status: TransactionStatusCode): TransactionStatus {
  switch (status) {
    case TRANSACTION_STATUSES.UNPAID:
      return TransactionStatus.PROCESSING;
    case TRANSACTION_STATUSES.SUCCESS:
      return TransactionStatus.SUCCEEDED;
    case TRANSACTION_STATUSES.CANCELED:
      return TransactionStatus.CANCELED;
    case TRANSACTION_STATUSES.FAILED:
      return TransactionStatus.FAILED;
    case TRANSACTION_STATUSES.EXPIRED:
      // Past stoptime without being paid: nothing moved.
      return TransactionStatus.CANCELED;
  }
}

export function isKnownStatus(status: unknown): status is TransactionStatusCode {
  return Object.values(TRANSACTION_STATUSES).includes(status as TransactionStatusCode);
}

/** Result codes into failure reasons; a code we do not know is UNRECOGNISED, kept verbatim. */
export function ledgerFailureReason(code: number): FailureReason {
  switch (code) {
    case CODES.TOKEN_INVALID:
    case CODES.BAD_CREDENTIALS:
      return FailureReason.SIGNATURE_REJECTED;
    case CODES.INTERFACE_DISABLED:
      return FailureReason.PROVIDER_UNSUPPORTED;
    case CODES.BAD_PARAMS:
      return FailureReason.INVALID_REQUEST;
    case CODES.NOT_FOUND:
      return FailureReason.ORDER_NOT_FOUND;
    case CODES.BAD_STATE:
      return FailureReason.INVALID_ORDER_STATE;
    case CODES.INSUFFICIENT_BALANCE:
      return FailureReason.INSUFFICIENT_FUNDS;
    case CODES.NOT_ALLOWED:
      return FailureReason.TRANSFER_NOT_ALLOWED;
    case CODES.ACCOUNT_FORBIDDEN:
      return FailureReason.ACCOUNT_FORBIDDEN;
    case CODES.DUPLICATE_ORDERNO:
      return FailureReason.DUPLICATE_ORDER;
    case CODES.PAYTYPE_NOT_SUPPORTED:
      return FailureReason.PROVIDER_UNSUPPORTED;
    case CODES.EXPIRED:
      return FailureReason.EXPIRED;
    default:
      return FailureReason.UNRECOGNISED;
  }
}
