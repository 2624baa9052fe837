import { FailureReason, TransactionStatus } from '../../domain/enums';
import type { FlowStatus, OrderStatus } from './wire-types';

/**
 * 四.3 订单状态 into the payment's unified status, with no default branch: a status the spec
 * does not list is refused by the transformer, never guessed.
 *
 * - The refund states describe a payment that was paid: the payment stays SUCCEEDED and each
 *   refund is its own transaction with its own status.
 * - PAY_ERROR and CANCEL_ERROR are "failed, but the payer side is not confirmed" (四.4 备注):
 *   NEEDS_ATTENTION, never FAILED, because money may have left the payer.
 */
export function paymentStatusOf(orderStatus: OrderStatus): TransactionStatus {
  switch (orderStatus) {
    case 'CREATED':
      return TransactionStatus.PROCESSING;
    case 'PAID':
    case 'REFUNDED':
    case 'PARTIAL_REFUNDED':
    case 'REFUND_ERROR':
      return TransactionStatus.SUCCEEDED;
    case 'PAY_CANCELED':
      return TransactionStatus.FAILED;
    case 'CANCELED':
      return TransactionStatus.CANCELED;
    case 'PAY_ERROR':
    case 'CANCEL_ERROR':
      return TransactionStatus.NEEDS_ATTENTION;
  }
}

/**
 * 四.4 流水状态: the outcome of the one operation (pay, refund, cancel) a response is about,
 * with no default branch. SUCCESS and FAIL_CANCELED are confirmed on both sides (收钱吧后台和
 * 消费者端); every other failure leaves the payer side unconfirmed (四.4 备注), so it needs a
 * person, never FAILED. IN_PROG is the flow still running.
 */
export function flowOutcomeOf(status: FlowStatus): TransactionStatus {
  switch (status) {
    case 'SUCCESS':
      return TransactionStatus.SUCCEEDED;
    case 'FAIL_CANCELED':
      return TransactionStatus.FAILED;
    case 'IN_PROG':
      return TransactionStatus.PROCESSING;
    case 'FAIL_PROTOCOL_1':
    case 'FAIL_IO_1':
    case 'FAIL_PROTOCOL_2':
    case 'FAIL_IO_2':
    case 'FAIL_PROTOCOL_3':
    case 'FAIL_ERROR':
    case 'CANCEL_ERROR':
    case 'REFUND_ERROR':
      return TransactionStatus.NEEDS_ATTENTION;
  }
}

/**
 * 四.1 communication errors and 四.5 business errors into our failure reasons. The spec spells
 * the missing-order code both UPAY_ORDER_NOT_EXIST (appendix) and UPAY_ORDER_NOT_EXISTS (the
 * §2.4 algorithm); both are accepted. A code outside the spec is UNRECOGNISED, kept verbatim.
 */
export function failureReasonOf(errorCode: string): FailureReason {
  switch (errorCode) {
    case 'INSUFFICIENT_FUND':
      return FailureReason.INSUFFICIENT_FUNDS;
    case 'EXPIRED_BARCODE':
    case 'AUTHCODE_EXPIRE':
      return FailureReason.BARCODE_EXPIRED;
    case 'INVALID_BARCODE':
      return FailureReason.BARCODE_INVALID;
    case 'BUYER_OVER_DAILY_LIMIT':
      return FailureReason.PAYER_DAILY_LIMIT;
    case 'BUYER_OVER_TRANSACTION_LIMIT':
      return FailureReason.PAYER_TRANSACTION_LIMIT;
    case 'SELLER_OVER_DAILY_LIMIT':
      return FailureReason.MERCHANT_DAILY_LIMIT;
    case 'SELLER_BALANCE_NOT_ENOUGH':
      return FailureReason.MERCHANT_BALANCE_INSUFFICIENT;
    case 'TRADE_NOT_EXIST':
    case 'UPAY_ORDER_NOT_EXIST':
    case 'UPAY_ORDER_NOT_EXISTS':
      return FailureReason.ORDER_NOT_FOUND;
    case 'TRADE_HAS_SUCCESS':
      return FailureReason.ALREADY_PAID;
    case 'REFUND_AMT_NOT_EQUAL_TOTAL':
      return FailureReason.REFUND_AMOUNT_INVALID;
    case 'TRADE_FAILED':
      return FailureReason.DECLINED;
    case 'CLIENT_SN_CONFLICT':
      return FailureReason.DUPLICATE_ORDER;
    case 'REFUND_REQUEST_CONFLICT':
      return FailureReason.DUPLICATE_REFUND;
    case 'UPAY_REFUND_INVALID_ORDER_STATE':
    case 'UPAY_CANCEL_INVALID_ORDER_STATE':
      return FailureReason.INVALID_ORDER_STATE;
    case 'UNEXPECTED_PROVIDER_ERROR':
      return FailureReason.PROVIDER_UNSUPPORTED;
    case 'INVALID_PARAMS':
    case 'INVALID_PARAMETER':
      return FailureReason.INVALID_REQUEST;
    case 'INVALID_TERMINAL':
    case 'TERMINAL_NOT_EXISTS':
      return FailureReason.TERMINAL_INVALID;
    case 'ILLEGAL_SIGN':
      return FailureReason.SIGNATURE_REJECTED;
    case 'UNKNOWN_SYSTEM_ERROR':
      return FailureReason.VENDOR_SYSTEM_ERROR;
    case 'MAINTENANCE_INPROGRESS':
      return FailureReason.VENDOR_MAINTENANCE;
    default:
      return FailureReason.UNRECOGNISED;
  }
}

export function isOrderMissing(errorCode: string | undefined): boolean {
  return errorCode === 'UPAY_ORDER_NOT_EXISTS' || errorCode === 'UPAY_ORDER_NOT_EXIST';
}
