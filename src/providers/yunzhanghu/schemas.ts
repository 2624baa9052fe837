import { z } from 'zod';
import { yuanAsFen } from '../../domain/money';
import { ORDER_STATUSES, type OrderStatusCode } from './wire-types';

/**
 * Schemas for everything Yunzhanghu sends us (answers, notifications), checked once a payload
 * is verified and decrypted and before any field is used. A value that cannot be stored in our
 * columns or mapped to our statuses is refused here, at the edge, whatever the database would
 * have done with it. Amounts are not judged here: an unreadable `pay` is kept as reported and
 * the amount rule (domain/vendor-amount) flags it, so an operator sees what the vendor said.
 */

/** Our order numbers are 32 hex characters; the spec's examples are 21 digits. Never more than our column (64). */
const orderId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'order_id is not an order number we could have sent');
/** Vendor references and notification ids: short tokens (the spec's are 15-17 digits). */
const vendorToken = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
/** The spec writes codes as JSON numbers; some clients send them as digit strings. */
const code = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d{1,6}$/)
    .transform(Number),
]);
const shortText = z.string().max(512);

export const orderStatus = code.refine((value): value is OrderStatusCode =>
  (ORDER_STATUSES as readonly number[]).includes(value),
);

/** 2.1 4) a query answer's `data` and 2.1 5) a notification's `data`: the fields we read. */
export const orderDetailSchema = z.object({
  order_id: orderId,
  ref: vendorToken.optional(),
  pay: z.unknown().optional(),
  status: orderStatus,
  status_detail: code.optional().default(0),
  status_message: shortText.optional(),
  status_detail_message: shortText.optional(),
});
export type ParsedOrderDetail = z.infer<typeof orderDetailSchema>;

/** 2.1 5) the decrypted notification. */
export const notificationSchema = z.object({
  notify_id: vendorToken,
  notify_time: shortText.optional(),
  data: orderDetailSchema,
});

/** 2.1 1-3) the answer to an order. */
export const orderAcceptedSchema = z.object({
  order_id: orderId.optional(),
  ref: vendorToken,
  pay: z.unknown().optional(),
});
export type ParsedOrderAccepted = z.infer<typeof orderAcceptedSchema>;

/** 2.1 6) dealer balances, in fen. */
export const dealerInfosSchema = z.object({
  dealer_infos: z.array(
    z.object({
      broker_id: z.string().max(64),
      bank_card_balance: yuanAsFen,
      is_bank_card: z.boolean(),
      alipay_balance: yuanAsFen,
      is_alipay: z.boolean(),
      wxpay_balance: yuanAsFen,
      is_wxpay: z.boolean(),
      rebate_fee_balance: yuanAsFen,
    }),
  ),
});

export const orderDownloadSchema = z.object({ order_download_url: z.string().max(2048) });
export const billDownloadSchema = z.object({ bill_download_url: z.string().max(2048) });
/** The SMS verification's ref is base64 in the spec's example ("rx0g4iiLWoWA=="). */
export const verifyRequestSchema = z.object({ ref: z.string().regex(/^[A-Za-z0-9+/=_-]{1,128}$/) });
export const authAlipaySchema = z.object({ info: z.string().max(8192) });
/** Answers whose `data` we do not read (a 0000 code is the whole answer). */
export const ignoredDataSchema = z.unknown();

/** The common envelope of every answer. */
export const envelopeSchema = z.object({
  code: z.union([z.string(), z.number()]).transform(String),
  message: z.unknown().optional(),
  request_id: z.unknown().optional(),
  data: z.unknown().optional(),
});
