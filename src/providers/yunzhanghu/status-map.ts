import { FailureReason, PayoutStatus } from '../../domain/enums';
import type { OrderStatusCode, StatusDetailCode } from './wire-types';

/**
 * 附录1 status into the unified payout status, with no default branch. status_detail matters
 * for status 1: 27 is a WeChat red packet not yet claimed, so the money is not with the payee
 * yet (PROCESSING until claimed, then SUCCEEDED, or RETURNED after 24 h).
 */
export function payoutStatusOf(status: OrderStatusCode, detail: number): PayoutStatus {
  switch (status) {
    case 0:
    case 8:
      return PayoutStatus.PROCESSING;
    case 1:
      return detail === 27 ? PayoutStatus.PROCESSING : PayoutStatus.SUCCEEDED;
    case 18:
      // Nothing to pay (amount 0): done.
      return PayoutStatus.SUCCEEDED;
    case 2:
    case 15:
    case -1:
      return PayoutStatus.FAILED;
    case 4:
      return PayoutStatus.ON_HOLD;
    case 5:
    case 11:
      // Unknown, or partly paid: only a later query or a person can settle it.
      return PayoutStatus.NEEDS_ATTENTION;
    case 9:
      return PayoutStatus.RETURNED;
  }
}

/** 附录2 failure details into failure reasons. */
export function detailReason(detail: StatusDetailCode): FailureReason | undefined {
  switch (detail) {
    case 0:
    case 27:
    case 111:
    case 112:
      return undefined;
    case 211:
    case 212:
    case 213:
      return FailureReason.PAYOUT_FAILED;
    case 261:
    case 271:
      return FailureReason.PAYEE_ACCOUNT_INVALID;
    case 262:
    case 277:
      return FailureReason.PAYEE_IDENTITY_MISMATCH;
    case 265:
      return FailureReason.INVALID_REQUEST;
    case 266:
      return FailureReason.PAYEE_ACCOUNT_RESTRICTED;
    case 273:
      return FailureReason.RISK_BLOCKED;
    case 274:
    case 278:
      return FailureReason.PAYEE_LIMIT;
    case 275:
      return FailureReason.AMOUNT_OUT_OF_RANGE;
  }
}

/** 附录3 interface error codes into failure reasons. */
export function errorReason(code: string): FailureReason {
  switch (code) {
    case '1001':
    case '1003':
    case '1004':
    case '1005':
      return FailureReason.SIGNATURE_REJECTED;
    case '1002':
    case '2001':
    case '2024':
      return FailureReason.INVALID_REQUEST;
    case '2002':
      return FailureReason.DUPLICATE_ORDER;
    case '2003':
      return FailureReason.PAYEE_IDENTITY_MISMATCH;
    case '2006':
      return FailureReason.PAYEE_ACCOUNT_INVALID;
    case '2011':
    case '2018':
      return FailureReason.ORDER_NOT_FOUND;
    case '2016':
      return FailureReason.AMOUNT_OUT_OF_RANGE;
    case '2027':
      return FailureReason.MERCHANT_BALANCE_INSUFFICIENT;
    case '2038':
      return FailureReason.INVALID_REQUEST;
    case '3000':
      return FailureReason.VENDOR_SYSTEM_ERROR;
    default:
      return FailureReason.UNRECOGNISED;
  }
}

/**
 * 2.3 1.2) verify-confirm refuses a wrong code, an expired code and an unknown ref alike with
 * 2003; only the message tells them apart. A caller must know which (enter the code again, or
 * request a new one), so the message is read here; anything else keeps the code's own reason.
 */
export function confirmFailureReason(code: string, message: string): FailureReason {
  if (code === '2003') {
    if (message.includes('验证码') && message.includes('过期')) return FailureReason.VERIFICATION_CODE_EXPIRED;
    if (message.includes('验证码')) return FailureReason.VERIFICATION_CODE_INVALID;
    if (message.includes('凭证')) return FailureReason.VERIFICATION_REQUEST_INVALID;
  }
  return errorReason(code);
}
