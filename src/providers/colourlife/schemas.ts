import { z } from 'zod';

/**
 * Schemas for the ledger's answers we act on, checked before any field is used: identifiers must
 * fit our columns (a tno becomes a vendorRef, at most 64), codes must be integers. Amounts stay
 * unknown here: the money module reads them and the amount rule flags what it cannot read.
 */
const identifier = z.string().min(1).max(64);
const code = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d{1,6}$/)
    .transform(Number),
]);

/** 5.3.6 transaction/get's `transaction`. */
export const transactionDetailSchema = z.object({
  tno: identifier,
  orderno: identifier,
  transtype: code,
  status: code,
  statusmsg: z.unknown().transform((value) => (typeof value === 'string' ? value.slice(0, 256) : '')),
  orgmoney: z.unknown().optional(),
  destmoney: z.unknown().optional(),
});
export type ParsedTransactionDetail = z.infer<typeof transactionDetailSchema>;

/** 5.3.1 prepay: `payinfo` with the transaction number (and the third party's parameters). */
export const prepayAnswerSchema = z.object({ payinfo: z.looseObject({ tno: identifier }) });

/** 5.3.3 fasttransaction. */
export const fastAnswerSchema = z.object({ tno: identifier });
