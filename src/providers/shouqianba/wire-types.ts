/**
 * Shouqianba upay gateway v2 wire types, named as in the spec. Every value on the wire is a
 * string (三.1 约定), amounts in fen. Kept apart from flow code: the adapter and the sandbox
 * both speak these.
 */

/** 三.2-6: the request bodies. Optional fields are omitted, never sent empty. */
export interface UpayPayRequest {
  terminal_sn: string;
  client_sn: string;
  total_amount: string;
  payway?: string;
  dynamic_id: string;
  subject: string;
  operator: string;
  description?: string;
  reflect?: string;
}

export interface UpayPrecreateRequest {
  terminal_sn: string;
  client_sn: string;
  total_amount: string;
  payway: string;
  subject: string;
  operator: string;
  description?: string;
  reflect?: string;
}

export interface UpayQueryRequest {
  terminal_sn: string;
  sn?: string;
  client_sn?: string;
}

export type UpayCancelRequest = UpayQueryRequest;

export interface UpayRefundRequest {
  terminal_sn: string;
  sn?: string;
  client_sn: string;
  refund_request_no: string;
  operator: string;
  refund_amount: string;
}

/** 四.1 通讯响应码: the envelope's own result. */
export const ENVELOPE_RESULT_CODES = ['200', '400', '500'] as const;
export type EnvelopeResultCode = (typeof ENVELOPE_RESULT_CODES)[number];

/** 四.2 业务响应码, plus PAY_IN_PROGRESS, which the real gateway sends for 交易进行中 (3.2 ii). */
export const BIZ_RESULT_CODES = [
  'PAY_SUCCESS',
  'PAY_FAIL',
  'PAY_FAIL_ERROR',
  'PAY_IN_PROGRESS',
  'CANCEL_SUCCESS',
  'CANCEL_ERROR',
  'CANCEL_ABORT_ERROR',
  'CANCEL_ABORT_SUCCESS',
  'REFUND_SUCCESS',
  'REFUND_ERROR',
  'PRECREATE_SUCCESS',
  'PRECREATE_FAIL',
  'SUCCESS',
  'FAIL',
] as const;
export type BizResultCode = (typeof BIZ_RESULT_CODES)[number];

/** 四.3 订单状态. */
export const ORDER_STATUSES = [
  'CREATED',
  'PAID',
  'PAY_CANCELED',
  'PAY_ERROR',
  'REFUNDED',
  'PARTIAL_REFUNDED',
  'REFUND_ERROR',
  'CANCELED',
  'CANCEL_ERROR',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** 四.4 流水状态, plus IN_PROG for a flow still running. */
export const FLOW_STATUSES = [
  'SUCCESS',
  'FAIL_CANCELED',
  'FAIL_PROTOCOL_1',
  'FAIL_IO_1',
  'FAIL_PROTOCOL_2',
  'FAIL_IO_2',
  'FAIL_PROTOCOL_3',
  'FAIL_ERROR',
  'CANCEL_ERROR',
  'REFUND_ERROR',
  'IN_PROG',
] as const;
export type FlowStatus = (typeof FLOW_STATUSES)[number];

/** 四.6 支付方式. */
export const PAYWAYS = { ALIPAY: '1', WECHAT: '3', BAIFUBAO: '4', JD: '5' } as const;

/** biz_response.data: every field a string; which are present depends on the operation. */
export interface ShouqianbaOrderData {
  sn: string;
  client_sn: string;
  status: string;
  order_status: string;
  total_amount: string;
  net_amount: string;
  payway?: string;
  sub_payway?: string;
  trade_no?: string;
  payer_uid?: string;
  payer_login?: string;
  finish_time?: string;
  channel_finish_time?: string;
  terminal_sn?: string;
  store_id?: string;
  subject?: string;
  operator?: string;
  reflect?: string;
  qr_code?: string;
  ctime?: string;
}

export interface UpayBizResponse {
  result_code: string;
  error_code?: string;
  error_message?: string;
  data?: ShouqianbaOrderData;
}

export interface ShouqianbaEnvelope {
  result_code: string;
  error_code?: string;
  error_message?: string;
  biz_response?: UpayBizResponse;
}
