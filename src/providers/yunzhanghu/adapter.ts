import { z } from 'zod';
import { brokerId, dealerId, endpoints, keys, sealOptions } from './credentials';
import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { PayoutChannel, Vendor } from '../../domain/enums';
import type { ResolvedProviderConfig } from '../config';
import type { VendorFailure } from '../failures';
import { UnknownOutcomeError, VendorUnavailableError, type VendorHttpClient } from '../http-client';
import { decryptedData, seal } from './crypto';
import type { PayoutQueryOutcome, PayoutsAdapter, VerificationAdapter, VerificationCallOutcome } from '../capabilities';
import {
  authAlipaySchema,
  billDownloadSchema,
  dealerInfosSchema,
  envelopeSchema,
  ignoredDataSchema,
  orderAcceptedSchema,
  orderDownloadSchema,
  verifyRequestSchema,
  type ParsedOrderAccepted,
} from './schemas';
import { readDayFiles } from './daily-files';
import type { VendorDayRecord } from '../payouts';
import { confirmFailureReason, errorReason } from './status-map';
import { parseCsv, payoutOutcomeOf } from './transformers';
import { COMMON_ENDPOINTS, ERROR_CODES, type AlipayOrder, type BankCardOrder, type WechatOrder } from './wire-types';

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
  ): Promise<YunzhanghuCall<ParsedOrderAccepted>>;
  order(
    config: ResolvedProviderConfig,
    channel: 'alipay',
    payload: AlipayOrder,
  ): Promise<YunzhanghuCall<ParsedOrderAccepted>>;
  order(
    config: ResolvedProviderConfig,
    channel: 'wechat',
    payload: WechatOrder,
  ): Promise<YunzhanghuCall<ParsedOrderAccepted>>;
  order(
    config: ResolvedProviderConfig,
    channel: OrderChannel,
    payload: object,
  ): Promise<YunzhanghuCall<ParsedOrderAccepted>> {
    const path = channel === 'bankCard' ? endpoints(config).bankCard : COMMON_ENDPOINTS[channel];
    return this.call(config, 'POST', path, payload, orderAcceptedSchema);
  }

  /**
   * 2.1 4): `channel` is 银行卡 (default), 支付宝 or 微信. Asked encrypted (data_type
   * encryption), so the payee's details do not travel in clear. The answer's `data` is read in
   * both forms the vendor uses: the encrypted string itself (what the official SDKs read, and
   * what query-order answers) or an object holding `encry_data` (the v1.3.18 document's
   * query-realtime-order); a plain object is read too. ADR 0015.
   */
  async queryOrder(config: ResolvedProviderConfig, orderId: string, channel: '银行卡' | '支付宝' | '微信') {
    const call = await this.call(
      config,
      'GET',
      endpoints(config).query,
      { order_id: orderId, channel, data_type: 'encryption' },
      z.unknown(),
    );
    if (call.kind !== 'ok') return call;
    const decoded = decryptedData(call.data, keys(config).des3Key);
    if (decoded === undefined) return { kind: 'unknown' as const, reason: 'the encrypted order cannot be decrypted' };
    return { kind: 'ok' as const, data: decoded };
  }

  /** 2.1 6). */
  queryAccounts(config: ResolvedProviderConfig) {
    return this.call(config, 'GET', COMMON_ENDPOINTS.accounts, { dealer_id: dealerId(config) }, dealerInfosSchema);
  }

  /** 2.2: the download URL of a day's order or bill file ("" once older than 90 days). */
  async dailyFileUrl(
    config: ResolvedProviderConfig,
    kind: 'order' | 'bill',
    date: string,
  ): Promise<YunzhanghuCall<string>> {
    if (kind === 'order') {
      const call = await this.call(
        config,
        'GET',
        COMMON_ENDPOINTS.orderDownload,
        { order_date: date },
        orderDownloadSchema,
      );
      return call.kind === 'ok' ? { kind: 'ok', data: call.data.order_download_url } : call;
    }
    const call = await this.call(
      config,
      'GET',
      endpoints(config).billDownload,
      { bill_date: date },
      billDownloadSchema,
    );
    return call.kind === 'ok' ? { kind: 'ok', data: call.data.bill_download_url } : call;
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

  /**
   * 2.2: a day's order and bill files, downloaded and read into our terms. Empty when the day is
   * older than the 90 days the vendor keeps.
   */
  async dayRecord(config: ResolvedProviderConfig, day: string): Promise<YunzhanghuCall<VendorDayRecord>> {
    const rows: Record<'order' | 'bill', Array<Record<string, string>>> = { order: [], bill: [] };
    for (const kind of ['order', 'bill'] as const) {
      const url = await this.dailyFileUrl(config, kind, day);
      if (url.kind !== 'ok') return url;
      if (!url.data) continue;
      const file = await this.downloadCsv(url.data);
      if (file.kind !== 'ok') return file;
      rows[kind] = file.data;
    }
    const record = readDayFiles(rows.order, rows.bill);
    return 'problem' in record ? { kind: 'unknown', reason: record.problem } : { kind: 'ok', data: record };
  }

  verifyRequest(
    config: ResolvedProviderConfig,
    payload: { card_no: string; id_card: string; real_name: string; mobile: string },
  ) {
    return this.call(config, 'POST', COMMON_ENDPOINTS.verifyRequest, payload, verifyRequestSchema);
  }

  async verifyConfirm(
    config: ResolvedProviderConfig,
    payload: { card_no: string; id_card: string; real_name: string; mobile: string; captcha: string; ref: string },
  ) {
    const call = await this.call(config, 'POST', COMMON_ENDPOINTS.verifyConfirm, payload, ignoredDataSchema);
    if (call.kind !== 'refused') return call;
    return { ...call, failure: { ...call.failure, reason: confirmFailureReason(call.code, call.failure.message) } };
  }

  verifyFourFactor(
    config: ResolvedProviderConfig,
    payload: { card_no: string; id_card: string; real_name: string; mobile: string },
  ) {
    return this.call(config, 'POST', COMMON_ENDPOINTS.fourFactor, payload, ignoredDataSchema);
  }

  verifyThreeFactor(config: ResolvedProviderConfig, payload: { card_no: string; id_card: string; real_name: string }) {
    return this.call(config, 'POST', COMMON_ENDPOINTS.threeFactor, payload, ignoredDataSchema);
  }

  verifyId(config: ResolvedProviderConfig, payload: { id_card: string; real_name: string }) {
    return this.call(config, 'POST', COMMON_ENDPOINTS.verifyId, payload, ignoredDataSchema);
  }

  authAlipay(config: ResolvedProviderConfig) {
    return this.call(config, 'GET', COMMON_ENDPOINTS.authAlipay, { broker_id: brokerId(config) }, authAlipaySchema);
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
    return this.send(config, 'POST', COMMON_ENDPOINTS.idCardImage, form, ignoredDataSchema);
  }

  /** 2.5: payouts made outside Yunzhanghu, reported for tax. */
  report(config: ResolvedProviderConfig, channel: OrderChannel, payload: Record<string, string>) {
    const path =
      channel === 'bankCard'
        ? COMMON_ENDPOINTS.reportBankCard
        : channel === 'alipay'
          ? COMMON_ENDPOINTS.reportAlipay
          : COMMON_ENDPOINTS.reportWechat;
    return this.call(
      config,
      'POST',
      path,
      { dealer_id: dealerId(config), broker_id: brokerId(config), ...payload },
      orderAcceptedSchema,
    );
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

  private call<S extends z.ZodType>(
    config: ResolvedProviderConfig,
    method: 'GET' | 'POST',
    path: string,
    payload: object,
    schema: S,
  ): Promise<YunzhanghuCall<z.output<S>>> {
    const params = seal(payload, keys(config), sealOptions(config));
    return this.send(config, method, path, new URLSearchParams(params), schema);
  }

  /**
   * Sends one request and reads the answer: the envelope, then `data` through the endpoint's
   * schema. An answer that does not parse is an unknown outcome, never a guess.
   */
  private async send<S extends z.ZodType>(
    config: ResolvedProviderConfig,
    method: 'GET' | 'POST',
    path: string,
    body: URLSearchParams | FormData,
    schema: S,
  ): Promise<YunzhanghuCall<z.output<S>>> {
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
    let json: unknown;
    try {
      json = JSON.parse(response.text());
    } catch {
      return { kind: 'unknown', reason: 'the answer is not JSON' };
    }
    const envelope = envelopeSchema.safeParse(json);
    if (!envelope.success || !envelope.data.code) return { kind: 'unknown', reason: 'the answer has no code' };
    const { code, message } = envelope.data;
    if (code === '0000') {
      const data = schema.safeParse(envelope.data.data);
      if (!data.success) {
        return {
          kind: 'unknown',
          reason: `the answer's data is not as the spec says (${data.error.issues[0]?.message})`,
        };
      }
      return { kind: 'ok', data: data.data };
    }
    return {
      kind: 'refused',
      code,
      failure: {
        reason: errorReason(code),
        vendorCode: code.slice(0, 16),
        message: (typeof message === 'string' ? message : (ERROR_CODES[code as keyof typeof ERROR_CODES] ?? '')).slice(
          0,
          256,
        ),
      },
    };
  }
}

function verdict(call: YunzhanghuCall<unknown>): VerificationCallOutcome {
  if (call.kind === 'ok') return { kind: 'verified' };
  if (call.kind === 'refused') return { kind: 'rejected', failure: call.failure };
  if (call.kind === 'not_sent') return { kind: 'unreachable', reason: call.reason };
  return { kind: 'unverifiable', reason: call.reason };
}

export { brokerId, dealerId, keys } from './credentials';
export { decryptedData } from './crypto';
export { payoutOutcomeOf } from './transformers';
