import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { PayoutChannel, Vendor } from '../../domain/enums';
import type { ResolvedProviderConfig } from '../../services/provider-config-service';
import type { VendorFailure } from '../failures';
import { UnknownOutcomeError, VendorUnavailableError, type VendorHttpClient } from '../http-client';
import { seal, type YunzhanghuKeys } from './crypto';
import type { PayoutQueryOutcome, PayoutsAdapter, VerificationAdapter, VerificationCallOutcome } from '../capabilities';
import { orderDetailSchema } from './schemas';
import { errorReason } from './status-map';
import { orderReport, parseCsv } from './transformers';
import {
  COMMON_ENDPOINTS,
  ENDPOINTS,
  ERROR_CODES,
  type AlipayOrder,
  type BankCardOrder,
  type DealerInfo,
  type EndpointNames,
  type OrderAccepted,
  type OrderDetail,
  type WechatOrder,
  type YunzhanghuEnvelope,
} from './wire-types';

/** What one call came to; each flow gives transport failures their meaning. */
export type YunzhanghuCall<T> =
  | { kind: 'ok'; data: T }
  /** A non-0000 code: the request was refused. */
  | { kind: 'refused'; code: string; failure: VendorFailure }
  | { kind: 'unknown'; reason: string }
  | { kind: 'not_sent'; reason: string };

export type OrderChannel = 'bankCard' | 'alipay' | 'wechat';

/**
 * Yunzhanghu realtime settlement: every endpoint, each request 3DES-encrypted and HMAC-signed
 * with headers `dealer-id` and a fresh `request-id`; form posts, query strings for GET. The
 * endpoint names follow the platform's `endpointNames` option: the spec's (default) or today's
 * service's (`current`: order-bankpay, query-order, bill download v2).
 */
export class YunzhanghuAdapter implements PayoutsAdapter, VerificationAdapter {
  readonly vendor = Vendor.YUNZHANGHU;

  constructor(private readonly http: VendorHttpClient) {}

  order(
    config: ResolvedProviderConfig,
    channel: 'bankCard',
    payload: BankCardOrder,
  ): Promise<YunzhanghuCall<OrderAccepted>>;
  order(
    config: ResolvedProviderConfig,
    channel: 'alipay',
    payload: AlipayOrder,
  ): Promise<YunzhanghuCall<OrderAccepted>>;
  order(
    config: ResolvedProviderConfig,
    channel: 'wechat',
    payload: WechatOrder,
  ): Promise<YunzhanghuCall<OrderAccepted>>;
  order(
    config: ResolvedProviderConfig,
    channel: OrderChannel,
    payload: object,
  ): Promise<YunzhanghuCall<OrderAccepted>> {
    const path = channel === 'bankCard' ? endpoints(config).bankCard : COMMON_ENDPOINTS[channel];
    return this.call(config, 'POST', path, payload);
  }

  /** 2.1 4): `channel` is 银行卡 (default), 支付宝 or 微信. */
  queryOrder(config: ResolvedProviderConfig, orderId: string, channel: '银行卡' | '支付宝' | '微信') {
    return this.call<OrderDetail>(config, 'GET', endpoints(config).query, { order_id: orderId, channel });
  }

  /** 2.1 6). */
  queryAccounts(config: ResolvedProviderConfig) {
    return this.call<{ dealer_infos: DealerInfo[] }>(config, 'GET', COMMON_ENDPOINTS.accounts, {
      dealer_id: dealerId(config),
    });
  }

  /** 2.2: the download URL of a day's order or bill file ("" once older than 90 days). */
  async dailyFileUrl(
    config: ResolvedProviderConfig,
    kind: 'order' | 'bill',
    date: string,
  ): Promise<YunzhanghuCall<string>> {
    const call =
      kind === 'order'
        ? await this.call<{ order_download_url: string }>(config, 'GET', COMMON_ENDPOINTS.orderDownload, {
            order_date: date,
          })
        : await this.call<{ bill_download_url: string }>(config, 'GET', endpoints(config).billDownload, {
            bill_date: date,
          });
    if (call.kind !== 'ok') return call;
    const url =
      kind === 'order'
        ? (call.data as { order_download_url: string }).order_download_url
        : (call.data as { bill_download_url: string }).bill_download_url;
    return { kind: 'ok', data: String(url ?? '') };
  }

  /** Downloads a gzip CSV file and returns its rows keyed by the header row. */
  async downloadCsv(url: string): Promise<YunzhanghuCall<Array<Record<string, string>>>> {
    try {
      const response = await this.http.send({ vendor: Vendor.YUNZHANGHU, method: 'GET', url });
      if (response.status !== 200) return { kind: 'unknown', reason: `HTTP ${response.status}` };
      const [header, ...rows] = parseCsv(gunzipSync(response.body).toString('utf8'));
      return {
        kind: 'ok',
        data: rows.map((row) => Object.fromEntries((header ?? []).map((name, i) => [name, row[i] ?? '']))),
      };
    } catch (error) {
      if (error instanceof VendorUnavailableError) return { kind: 'not_sent', reason: error.code };
      if (error instanceof UnknownOutcomeError) return { kind: 'unknown', reason: error.reason };
      return { kind: 'unknown', reason: 'the file is not a gzip CSV' };
    }
  }

  verifyRequest(
    config: ResolvedProviderConfig,
    payload: { card_no: string; id_card: string; real_name: string; mobile: string },
  ) {
    return this.call<{ ref: string }>(config, 'POST', COMMON_ENDPOINTS.verifyRequest, payload);
  }

  verifyConfirm(
    config: ResolvedProviderConfig,
    payload: { card_no: string; id_card: string; real_name: string; mobile: string; captcha: string; ref: string },
  ) {
    return this.call<unknown>(config, 'POST', COMMON_ENDPOINTS.verifyConfirm, payload);
  }

  verifyFourFactor(
    config: ResolvedProviderConfig,
    payload: { card_no: string; id_card: string; real_name: string; mobile: string },
  ) {
    return this.call<unknown>(config, 'POST', COMMON_ENDPOINTS.fourFactor, payload);
  }

  verifyThreeFactor(config: ResolvedProviderConfig, payload: { card_no: string; id_card: string; real_name: string }) {
    return this.call<unknown>(config, 'POST', COMMON_ENDPOINTS.threeFactor, payload);
  }

  verifyId(config: ResolvedProviderConfig, payload: { id_card: string; real_name: string }) {
    return this.call<unknown>(config, 'POST', COMMON_ENDPOINTS.verifyId, payload);
  }

  authAlipay(config: ResolvedProviderConfig) {
    return this.call<{ info: string }>(config, 'GET', COMMON_ENDPOINTS.authAlipay, { broker_id: brokerId(config) });
  }

  /** 2.4 1): the encrypted fields plus the two images, as multipart/form-data. */
  uploadIdCard(
    config: ResolvedProviderConfig,
    payload: { real_name: string; id_card: string },
    front: { bytes: Buffer; contentType: string },
    back: { bytes: Buffer; contentType: string },
  ) {
    const form = new FormData();
    const params = seal(
      { dealer_id: dealerId(config), broker_id: brokerId(config), ...payload },
      keys(config),
      sealOptions(config),
    );
    for (const [name, value] of Object.entries(params)) form.set(name, value);
    form.set('id_card_image', new Blob([new Uint8Array(front.bytes)], { type: front.contentType }), 'id_card.jpg');
    form.set(
      'id_card_image_background',
      new Blob([new Uint8Array(back.bytes)], { type: back.contentType }),
      'id_card_background.jpg',
    );
    return this.send<unknown>(config, 'POST', COMMON_ENDPOINTS.idCardImage, form);
  }

  /** 2.5: payouts made outside Yunzhanghu, reported for tax. */
  report(config: ResolvedProviderConfig, channel: OrderChannel, payload: Record<string, string>) {
    const path =
      channel === 'bankCard'
        ? COMMON_ENDPOINTS.reportBankCard
        : channel === 'alipay'
          ? COMMON_ENDPOINTS.reportAlipay
          : COMMON_ENDPOINTS.reportWechat;
    return this.call<OrderAccepted>(config, 'POST', path, {
      dealer_id: dealerId(config),
      broker_id: brokerId(config),
      ...payload,
    });
  }

  /** The PAYOUTS capability: one order's state in our terms. */
  async queryPayout(
    config: ResolvedProviderConfig,
    orderNo: string,
    channel: PayoutChannel,
  ): Promise<PayoutQueryOutcome> {
    const names = {
      [PayoutChannel.BANK_CARD]: '银行卡',
      [PayoutChannel.ALIPAY]: '支付宝',
      [PayoutChannel.WECHAT]: '微信',
    } as const;
    const call = await this.queryOrder(config, orderNo, names[channel]);
    if (call.kind === 'refused') return { kind: 'refused', failure: call.failure };
    if (call.kind === 'not_sent') return { kind: 'unreachable', reason: call.reason };
    if (call.kind === 'unknown') return { kind: 'unverifiable', reason: call.reason };
    return payoutOutcomeOf(call.data);
  }

  /** The VERIFICATION capability. */
  async verifyIdentity(
    config: ResolvedProviderConfig,
    person: { idCard: string; realName: string },
  ): Promise<VerificationCallOutcome> {
    return verdict(await this.verifyId(config, { id_card: person.idCard, real_name: person.realName }));
  }

  async verifyBankCard(
    config: ResolvedProviderConfig,
    card: { cardNo: string; idCard: string; realName: string; mobile?: string },
  ): Promise<VerificationCallOutcome> {
    const base = { card_no: card.cardNo, id_card: card.idCard, real_name: card.realName };
    return verdict(
      card.mobile
        ? await this.verifyFourFactor(config, { ...base, mobile: card.mobile })
        : await this.verifyThreeFactor(config, base),
    );
  }

  private call<T>(
    config: ResolvedProviderConfig,
    method: 'GET' | 'POST',
    path: string,
    payload: object,
  ): Promise<YunzhanghuCall<T>> {
    const params = seal(payload, keys(config), sealOptions(config));
    return this.send<T>(config, method, path, new URLSearchParams(params as unknown as Record<string, string>));
  }

  private async send<T>(
    config: ResolvedProviderConfig,
    method: 'GET' | 'POST',
    path: string,
    body: URLSearchParams | FormData,
  ): Promise<YunzhanghuCall<T>> {
    const headers: Record<string, string> = { 'dealer-id': dealerId(config), 'request-id': randomUUID() };
    let url = `${config.baseUrl}${path}`;
    if (method === 'GET') url = `${url}?${(body as URLSearchParams).toString()}`;
    else if (body instanceof URLSearchParams) headers['content-type'] = 'application/x-www-form-urlencoded';
    let response;
    try {
      response = await this.http.send({
        vendor: Vendor.YUNZHANGHU,
        method,
        url,
        headers,
        body: method === 'GET' ? undefined : (body as never),
      });
    } catch (error) {
      if (error instanceof VendorUnavailableError) return { kind: 'not_sent', reason: error.code };
      if (error instanceof UnknownOutcomeError) return { kind: 'unknown', reason: error.reason };
      throw error;
    }
    if (response.status >= 500) return { kind: 'unknown', reason: `HTTP ${response.status}` };
    let envelope: YunzhanghuEnvelope<T>;
    try {
      envelope = JSON.parse(response.text()) as YunzhanghuEnvelope<T>;
    } catch {
      return { kind: 'unknown', reason: 'the answer is not JSON' };
    }
    const code = String(envelope?.code ?? '');
    if (code === '0000') return { kind: 'ok', data: envelope.data as T };
    if (!code) return { kind: 'unknown', reason: 'the answer has no code' };
    return {
      kind: 'refused',
      code,
      failure: {
        reason: errorReason(code),
        vendorCode: code,
        message: String(envelope.message ?? ERROR_CODES[code as keyof typeof ERROR_CODES] ?? ''),
      },
    };
  }
}

export function keys(config: ResolvedProviderConfig): YunzhanghuKeys {
  return { appKey: config.secrets.appKey, des3Key: config.secrets.des3Key };
}

function sealOptions(config: ResolvedProviderConfig) {
  return { milliseconds: config.options.timestampUnit === 'ms' };
}

export function dealerId(config: ResolvedProviderConfig): string {
  return String(config.options.dealerId);
}

export function brokerId(config: ResolvedProviderConfig): string {
  return String(config.options.brokerId);
}

function endpoints(config: ResolvedProviderConfig) {
  const names = (config.options.endpointNames === 'current' ? 'current' : 'spec') as EndpointNames;
  return ENDPOINTS[names];
}

function verdict(call: YunzhanghuCall<unknown>): VerificationCallOutcome {
  if (call.kind === 'ok') return { kind: 'verified' };
  if (call.kind === 'refused') return { kind: 'rejected', failure: call.failure };
  if (call.kind === 'not_sent') return { kind: 'unreachable', reason: call.reason };
  return { kind: 'unverifiable', reason: call.reason };
}

/** A query answer's order, in our terms; an answer not shaped as an order cannot be trusted. */
export function payoutOutcomeOf(data: unknown): PayoutQueryOutcome {
  const parsed = orderDetailSchema.safeParse(data);
  if (!parsed.success) return { kind: 'unverifiable', reason: `not an order: ${parsed.error.issues[0]?.message}` };
  const report = orderReport(parsed.data);
  return { kind: 'found', ...report };
}
