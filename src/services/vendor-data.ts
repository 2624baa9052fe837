import { z } from 'zod';
import { CheckoutAction, FailureReason, LedgerTransferKind } from '../domain/enums';
import type { Payout, Transaction } from '../entities';
import type { TransferRequest, WalletPayment } from '../providers/ledger';
import type { VendorFailure } from '../providers/failures';

/**
 * What a row keeps of its vendor in `vendorData`, one shape per flow, written by that flow's
 * service and read back through these schemas: a row that does not hold its shape is an error
 * where it is used, never a silent cast. The entity column stays a JSON object so the flows
 * can each add what their vendor needs.
 */

const vendorFailure = z.object({
  reason: z.enum(FailureReason),
  vendorCode: z.string(),
  message: z.string(),
}) satisfies z.ZodType<VendorFailure>;

const failure = vendorFailure.nullable().optional();

/** A hosted-cashier payment. */
export const checkoutData = z.looseObject({
  method: z.literal('CHECKOUT'),
  action: z.enum(CheckoutAction),
  returnUrl: z.string().nullable(),
  /** Payer name and ID number for bound-card payments, sealed with DATA_KEY. */
  payerCiphertext: z.string().nullable(),
  settlement: z.string().nullable().optional(),
  failure,
});
export type CheckoutData = z.infer<typeof checkoutData>;

/** An in-store payment: codes and amounts, nothing about the payer. */
export const inStoreData = z.looseObject({
  method: z.enum(['BARCODE', 'QR_CODE']),
  wallet: z.string().nullable(),
  operator: z.string(),
  /** When the query loop stops and cancels. */
  deadlineAt: z.string(),
  qrCode: z.string().nullable().optional(),
  failure,
  /** Set once the deadline's cancel was sent: the loop is over, the slow poll takes over. */
  cancelSent: z.boolean().optional(),
  order: z.record(z.string(), z.unknown()).optional(),
});
export type InStoreData = z.infer<typeof inStoreData>;

/** A refund of an in-store payment. */
export const refundData = z.looseObject({ operator: z.string(), failure });
export type RefundData = z.infer<typeof refundData>;

/** What a payer's app needs to pay a prepay with a wallet, as the ledger's provider read it. */
const walletPayment = z.discriminatedUnion('wallet', [
  z.object({
    wallet: z.literal('WECHAT'),
    partnerId: z.string(),
    appId: z.string(),
    prepayId: z.string(),
    nonceStr: z.string(),
    timestamp: z.string(),
    packageValue: z.string(),
    sign: z.string(),
  }),
  z.object({ wallet: z.literal('ALIPAY'), orderInfo: z.string() }),
  z.object({ wallet: z.literal('SHUANGQIAN'), merchantNo: z.string() }),
]) satisfies z.ZodType<WalletPayment>;

/** A ledger transfer: how it was made, and the request as first sent (without its callback). */
export const ledgerData = z.looseObject({
  mode: z.enum(['prepay', 'fast']),
  fixPayerAmount: z.boolean(),
  transferKind: z.enum(LedgerTransferKind).optional(),
  walletPayment: walletPayment.optional(),
  payerAmountFen: z.number().int().optional(),
  payeeAmountFen: z.number().int().optional(),
  failure,
  request: z.custom<TransferRequest>((value) => typeof value === 'object' && value !== null).optional(),
});
export type LedgerData = z.infer<typeof ledgerData>;

/** The payee as shown: masked, never whole. */
export const maskedPayee = z.object({
  realName: z.string(),
  idCard: z.string(),
  account: z.string().nullable(),
  phoneNo: z.string().nullable(),
});
export type MaskedPayee = z.infer<typeof maskedPayee>;

/** A payout: the masked payee and the vendor's own status words, as last reported. */
export const payoutData = z.looseObject({
  payee: maskedPayee,
  remark: z.string().nullable(),
  status: z.number().int().optional(),
  statusDetail: z.number().int().optional(),
  statusMessage: z.string().optional(),
  failure,
});
export type PayoutData = z.infer<typeof payoutData>;

/**
 * What the API shows of any transaction's vendor data, whichever flow wrote it. Each field
 * reads as absent when it does not hold its shape, so one odd field never fails a whole list.
 */
export const shownTransactionData = z.looseObject({
  failure: failure.catch(null),
  walletPayment: walletPayment.optional().catch(undefined),
  transferKind: z.enum(LedgerTransferKind).optional().catch(undefined),
  qrCode: z.string().nullable().optional().catch(undefined),
  returnUrl: z.string().nullable().optional().catch(undefined),
});

/** A row's vendor data read through the schema of its flow. */
export function vendorDataOf<S extends z.ZodType>(
  row: Pick<Transaction | Payout, 'vendorData'>,
  schema: S,
): z.infer<S> {
  return schema.parse(row.vendorData ?? {});
}
