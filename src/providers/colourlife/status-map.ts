import { FailureReason, TransactionStatus } from '../../domain/enums';
import { CODES, TRANSACTION_STATUSES, type TransactionStatusCode } from './wire-types';

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
