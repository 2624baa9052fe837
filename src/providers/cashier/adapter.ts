import { Vendor } from '../../domain/enums';
import { cashierCredentials } from './credentials';
import type { ResolvedProviderConfig } from '../config';
import type { PaymentQueryOutcome } from '../capabilities';
import type { CheckoutAdapter, CheckoutOrder, HostedCheckout } from '../checkout';
import type { VendorHttpClient } from '../http-client';
import { cashierSettlement, cashierStatus } from './status-map';
import { decodePayload, seal, verifyPayload } from './signing';
import { parseQueryResponse, toPayRequest } from './transformers';
import type { CashierQueryResponse } from './wire-types';

/** Query outcomes the service branches on; transport failures are thrown by the HTTP layer. */
export type CashierQueryResult =
  | { kind: 'found'; response: CashierQueryResponse & { resultcode: NonNullable<CashierQueryResponse['resultcode']> } }
  | { kind: 'refused'; respcode: string; respmsg: string }
  | { kind: 'unverifiable'; reason: string };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The hosted cashier. Stateless: the service persists. Creating a checkout calls nothing: the
 * signed request is handed to the payer's browser, and the outcome arrives by notification
 * or by query.
 */
export class CashierAdapter implements CheckoutAdapter {
  readonly vendor = Vendor.CASHIER;

  constructor(private readonly http: VendorHttpClient) {}

  /** The query in our terms: the status map applied, settlement kept in the detail. */
  async queryPayment(config: ResolvedProviderConfig, orderNo: string): Promise<PaymentQueryOutcome> {
    const result = await this.query(config, orderNo);
    if (result.kind === 'refused') return { kind: 'refused', code: result.respcode, message: result.respmsg };
    if (result.kind === 'unverifiable') return result;
    const { response } = result;
    return {
      kind: 'found',
      status: cashierStatus(response.resultcode),
      amount: response.txnamt,
      vendorRef: response.queryid,
      detail: {
        resultcode: response.resultcode,
        resultmsg: response.resultmsg ?? null,
        settlement: cashierSettlement(response.resultcode) ?? null,
        paytime: response.paytime ?? null,
      },
    };
  }

  buildCheckout(config: ResolvedProviderConfig, order: CheckoutOrder): HostedCheckout {
    const { merchantId, signKey } = cashierCredentials(config);
    const request = toPayRequest(order, merchantId);
    const { payload, sign } = seal(request, signKey);
    const query = new URLSearchParams({ req: payload, sign });
    const formAction = `${config.baseUrl}/api/icashier`;
    return {
      url: `${config.baseUrl}/apis/icashier?${query.toString()}`,
      formAction,
      formFields: { req: payload, sign },
      html:
        `<!doctype html><html><body onload="document.forms[0].submit()">` +
        `<form method="post" action="${escapeHtml(formAction)}">` +
        `<input type="hidden" name="req" value="${escapeHtml(payload)}">` +
        `<input type="hidden" name="sign" value="${escapeHtml(sign)}">` +
        `<noscript><button type="submit">Continue to payment</button></noscript></form></body></html>`,
    };
  }

  /** §3.4: by our order number. */
  async query(config: ResolvedProviderConfig, orderNo: string): Promise<CashierQueryResult> {
    const { payload, sign } = seal(
      { merid: cashierCredentials(config).merchantId, orderid: orderNo },
      cashierCredentials(config).signKey,
    );
    const response = await this.http.send({
      vendor: Vendor.CASHIER,
      method: 'POST',
      url: `${config.baseUrl}/api/query`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ req: payload, sign }),
    });
    if (response.status >= 500) return { kind: 'unverifiable', reason: `HTTP ${response.status}` };
    let envelope: { resp?: unknown; sign?: unknown };
    try {
      envelope = JSON.parse(response.text());
    } catch {
      return { kind: 'unverifiable', reason: 'response is not JSON' };
    }
    if (typeof envelope.resp !== 'string') return { kind: 'unverifiable', reason: 'response has no resp' };
    if (!envelope.sign) {
      // A pre-error (§2.2): the cashier could not find our key. Readable, but unsigned, so it
      // is reported, never acted on as a payment status.
      const unsigned = decodePayload<{ respcode?: string; respmsg?: string }>(envelope.resp);
      return { kind: 'refused', respcode: String(unsigned.respcode ?? ''), respmsg: String(unsigned.respmsg ?? '') };
    }
    if (!verifyPayload(envelope.resp, String(envelope.sign), cashierCredentials(config).signKey)) {
      return { kind: 'unverifiable', reason: 'bad signature on the query response' };
    }
    const parsed = parseQueryResponse(decodePayload(envelope.resp));
    if (parsed.respcode !== '00' || !parsed.resultcode)
      return { kind: 'refused', respcode: parsed.respcode, respmsg: parsed.respmsg };
    return { kind: 'found', response: { ...parsed, resultcode: parsed.resultcode } };
  }
}
