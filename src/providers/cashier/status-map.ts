import { TransactionStatus } from '../../domain/enums';
import type { CashierResultCode } from './wire-types';

/**
 * Every cashier result code (§3.2.3) into the unified status, with no default branch: a code
 * the spec does not list is refused by the transformer, never guessed.
 *
 * - 0000 paid and settled to the available balance: SUCCEEDED.
 * - 1002 paid, settled to the unavailable balance: the payer has paid, so SUCCEEDED; the
 *   settlement state is kept on the transaction (`settlement: UNSETTLED`).
 * - 1001 not paid (yet): the checkout is still open, PROCESSING.
 * - 1003 failed: FAILED.
 * - 1004 协查调单 (under investigation by the bank): NEEDS_ATTENTION, a person must look.
 */
export function cashierStatus(code: CashierResultCode): TransactionStatus {
  switch (code) {
    case '0000':
      return TransactionStatus.SUCCEEDED;
    case '1002':
      return TransactionStatus.SUCCEEDED;
    case '1001':
      return TransactionStatus.PROCESSING;
    case '1003':
      return TransactionStatus.FAILED;
    case '1004':
      return TransactionStatus.NEEDS_ATTENTION;
  }
}

export function cashierSettlement(code: CashierResultCode): 'SETTLED' | 'UNSETTLED' | undefined {
  switch (code) {
    case '0000':
      return 'SETTLED';
    case '1002':
      return 'UNSETTLED';
    case '1001':
    case '1003':
    case '1004':
      return undefined;
  }
}
