import { z } from 'zod';
import { PayoutStatus } from '../../domain/enums';
import { yuanToFen } from '../../domain/money';
import type { VendorDayRecord } from '../payouts';

/**
 * 2.2 the daily order and bill files, read into our terms: the reconciliation service compares
 * these records and knows neither the Chinese column names nor the status words.
 */

/** The order file's status words (2.2 1, 注意 1) in our terms; -/- is "unknown, ask". */
const FILE_STATUS: Readonly<Record<string, PayoutStatus | 'UNKNOWN'>> = {
  成功: PayoutStatus.SUCCEEDED,
  '成功(待领取)': PayoutStatus.PROCESSING,
  失败: PayoutStatus.FAILED,
  退汇: PayoutStatus.RETURNED,
  删除: PayoutStatus.FAILED,
  挂单: PayoutStatus.ON_HOLD,
  打款中: PayoutStatus.PROCESSING,
  '-/-': 'UNKNOWN',
};

const orderRow = z.object({ 商户订单号: z.string().min(1).max(64), 订单状态: z.string().max(32), 金额: z.string() });
const billRow = z.object({ 商户订单号: z.string().max(64), 流水类型: z.string().max(32) });

/** Reads the two files' rows (keyed by their header); a row that is not one of the spec's makes the file unreadable. */
export function readDayFiles(
  orders: Array<Record<string, string>>,
  bills: Array<Record<string, string>>,
): VendorDayRecord | { problem: string } {
  const parsedOrders = z.array(orderRow).safeParse(orders);
  if (!parsedOrders.success) return { problem: `order file: ${parsedOrders.error.issues[0]?.message}` };
  const parsedBills = z.array(billRow).safeParse(bills);
  if (!parsedBills.success) return { problem: `bill file: ${parsedBills.error.issues[0]?.message}` };
  return {
    orders: parsedOrders.data.map((row) => ({
      orderNo: row['商户订单号'],
      amountFen: yuanToFen(row['金额']) ?? null,
      // An open set of words: one the spec does not list is UNKNOWN, never guessed.
      status: Object.hasOwn(FILE_STATUS, row['订单状态']) ? FILE_STATUS[row['订单状态']] : 'UNKNOWN',
      statusWord: row['订单状态'],
    })),
    returnedOrderNos: new Set(
      parsedBills.data.filter((row) => row['流水类型'] === '经纪公司退汇').map((row) => row['商户订单号']),
    ),
    billRows: parsedBills.data.length,
  };
}
