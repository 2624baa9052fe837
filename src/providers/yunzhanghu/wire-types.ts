/**
 * Yunzhanghu realtime settlement v1.3.18 wire types, named as in the spec. Amounts are yuan
 * strings ("100.00"); statuses are the appendix's numbers.
 */
export interface YunzhanghuEnvelope<T = unknown> {
  code: string;
  message: string;
  request_id: string;
  data?: T;
}

interface OrderCommon {
  order_id: string;
  dealer_id: string;
  broker_id: string;
  real_name: string;
  id_card: string;
  pay: string;
  notes?: string;
  pay_remark?: string;
}

/** 2.1 1) bank card. */
export interface BankCardOrder extends OrderCommon {
  card_no: string;
  phone_no?: string;
  anchor_id?: string;
}

/** 2.1 2) Alipay: card_no is the Alipay account. */
export interface AlipayOrder extends OrderCommon {
  card_no: string;
}

/** 2.1 3) WeChat. */
export interface WechatOrder extends OrderCommon {
  openid: string;
}

export interface OrderAccepted {
  order_id: string;
  ref: string;
  pay: string;
}

/** 2.1 4) query and 2.1 5) notification `data`. */
export interface OrderDetail {
  order_id: string;
  ref: string;
  pay: string;
  dealer_id: string;
  broker_id: string;
  real_name?: string;
  card_no?: string;
  id_card?: string;
  phone_no?: string;
  anchor_id?: string;
  notes?: string;
  status: number;
  status_detail: number;
  status_message: string;
  status_detail_message: string;
  sys_amount?: string;
  broker_amount?: string;
  pay_remark?: string;
  tax?: string;
  tax_level?: string;
  created_at?: string;
  finished_time?: string;
  sys_wallet_ref?: string;
  sys_bank_bill?: string;
  broker_wallet_ref?: string;
  broker_bank_bill?: string;
}

export interface Notification {
  notify_id: string;
  notify_time: string;
  data: OrderDetail;
}

/** 2.1 6) one broker's balances. */
export interface DealerInfo {
  broker_id: string;
  bank_card_balance: string;
  is_bank_card: boolean;
  alipay_balance: string;
  is_alipay: boolean;
  wxpay_balance: string;
  is_wxpay: boolean;
  rebate_fee_balance: string;
}

/** 附录1 订单状态码. */
export const ORDER_STATUSES = [-1, 0, 1, 2, 4, 5, 8, 9, 11, 15, 18] as const;
export type OrderStatusCode = (typeof ORDER_STATUSES)[number];

/** 附录2 订单详细状态码. */
export const STATUS_DETAILS = [
  0, 27, 111, 112, 211, 212, 213, 261, 262, 265, 266, 271, 273, 274, 275, 277, 278,
] as const;
export type StatusDetailCode = (typeof STATUS_DETAILS)[number];

export const STATUS_MESSAGES: Record<OrderStatusCode, string> = {
  [-1]: '删除',
  0: '已受理',
  1: '已打款',
  2: '打款失败',
  4: '待打款(暂停处理)',
  5: '打款中(状态未知)',
  8: '待打款',
  9: '打款失败(已退款,退汇或者冲正)',
  11: '部分成功',
  15: '取消支付',
  18: '无需付款',
};

export const STATUS_DETAIL_MESSAGES: Record<StatusDetailCode, string> = {
  0: '成功',
  27: '微信红包待领取',
  111: '系统打款成功',
  112: '经纪公司打款成功',
  211: '系统打款失败',
  212: '经纪公司打款失败',
  213: '系统打款和经纪公司打款都失败',
  261: '支付宝账号错误',
  262: '支付宝账号与姓名不匹配',
  265: '身份证号或收款户名不可以为空',
  266: '支付宝账号受限',
  271: '微信账号错误',
  273: '此请求可能存在风险,已被微信拦截',
  274: '该用户今日领取红包个数超过限额',
  275: '微信红包发送红包金额不在限额范围内',
  277: 'OpenID和AppID不匹配',
  278: '微信红包超过频率限制,请稍后重试',
};

/** 附录3 接口错误码. */
export const ERROR_CODES = {
  '0000': '成功',
  '1001': '签名已过期',
  '1002': '请求参数格式不正确',
  '1003': '签名错误',
  '1004': '加密错误',
  '1005': '商户未设置3deskey或没有设置appkey',
  '2001': '上传数据有误',
  '2002': '已上传过该笔流水',
  '2003': '实名认证失败',
  '2006': '银行卡号错误',
  '2011': '订单不存在',
  '2018': '该笔订单不存在',
  '2016': '错误的打款金额',
  '2024': '订单金额小于0',
  '2027': '账户余额不足',
  '2038': '该商户不属于该经纪公司',
  '3000': '银行系统连接失败,请联系我们修复',
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

/** The two sets of endpoint names (the spec's, and today's service). */
export const ENDPOINTS = {
  spec: {
    bankCard: '/api/payment/v1/order-realtime',
    query: '/api/payment/v1/query-realtime-order',
    billDownload: '/api/dataservice/v1/bill/downloadurl',
  },
  current: {
    bankCard: '/api/payment/v1/order-bankpay',
    query: '/api/payment/v1/query-order',
    billDownload: '/api/dataservice/v2/bill/downloadurl',
  },
} as const;
export type EndpointNames = keyof typeof ENDPOINTS;

export const COMMON_ENDPOINTS = {
  alipay: '/api/payment/v1/order-alipay',
  wechat: '/api/payment/v1/order-wxpay',
  accounts: '/api/payment/v1/query-accounts',
  orderDownload: '/api/dataservice/v1/order/downloadurl',
  verifyRequest: '/authentication/verify-request',
  verifyConfirm: '/authentication/verify-confirm',
  fourFactor: '/authentication/verify-bankcard-four-factor',
  threeFactor: '/authentication/verify-bankcard-three-factor',
  verifyId: '/authentication/verify-id',
  authAlipay: '/api/payment/v1/auth-alipay',
  idCardImage: '/api/payment/v1/sign/idcard/image',
  reportBankCard: '/api/notify/order-bankcard',
  reportAlipay: '/api/notify/order-alipay',
  reportWechat: '/api/notify/order-wxpay',
} as const;

/** 2.2 1) the daily order file's columns, in order. */
export const ORDER_FILE_COLUMNS = [
  '商户订单号',
  '订单流水号',
  '商户批次号',
  '姓名',
  '经纪公司ID',
  '订单状态',
  '收款账号',
  '支付渠道',
  '金额',
  '服务费',
  '渠道流水号',
  '短周期授信账单号',
  '服务费账单号',
  '余额账单号',
  '创建时间',
  '完成时间',
] as const;

/** 2.2 2) the daily bill file's columns, in order. */
export const BILL_FILE_COLUMNS = [
  '商户订单号',
  '订单流水号',
  '流水号',
  '流水类型',
  '流水状态',
  '支付渠道',
  '姓名',
  '经纪公司ID',
  '金额',
  '渠道流水号',
  '创建时间',
  '完成时间',
] as const;
