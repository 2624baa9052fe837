import { z } from 'zod';
import { yuanAsFen } from '../../domain/money';

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

/** 5.3.5 transaction/list: the statement lines, in our terms (fen, dates). */
export const statementSchema = z.object({
  list: z
    .array(
      z.object({
        tno: identifier,
        orgaccount: z.string().max(64),
        destaccount: z.string().max(64),
        money: yuanAsFen,
        modifiedtime: code.transform((seconds) => new Date(seconds * 1000)),
        status: code,
        statusmsg: z.unknown().transform((value) => (typeof value === 'string' ? value.slice(0, 256) : '')),
      }),
    )
    .default([]),
});

/**
 * A transfer request as we built it (transfers.ts) and kept on the row, read back before it is
 * sent again: stored JSON is input too.
 */
export const storedTransferRequestSchema = z.object({
  money: z.string(),
  orderno: z.string(),
  content: z.string(),
  orgtype: z.string(),
  orgaccountno: z.string(),
  desttype: z.string(),
  destaccountno: z.string(),
  detail: z.string().optional(),
  starttime: z.number().int().optional(),
  stoptime: z.number().int().optional(),
  remoteip: z.string().optional(),
  fixedorgmoney: z.union([z.literal(0), z.literal(1)]).optional(),
  orgsubaccount: z.string().optional(),
  destsubaccount: z.string().optional(),
});
