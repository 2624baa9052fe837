import { FailureReason, TransactionStatus, Vendor } from '../../domain/enums';
import { shouqianbaCredentials } from './credentials';
import type { ResolvedProviderConfig } from '../config';
import type { PaymentQueryOutcome } from '../capabilities';
import { UnknownOutcomeError, VendorUnavailableError, type VendorHttpClient } from '../http-client';
import { authorizationHeader } from './signing';
import { flowOutcomeOf, isOrderMissing } from './status-map';
import { compact, failureOf, fenToWire, parseAnswer, type ShouqianbaAnswer } from './transformers';
import {
  type InStoreAdapter,
  type InStoreCancelOutcome,
  type InStoreCreateOutcome,
  type InStoreOrderRequest,
  type InStoreQueryOutcome,
  type InStoreRefundOutcome,
  type InStoreRefundRequest,
  type Wallet,
  orderDetail,
} from '../in-store';
import { BIZ_RESULT_CODES, FLOW_STATUSES, PAYWAYS, type BizResultCode, type FlowStatus } from './wire-types';

/**
 * The Shouqianba gateway (its upay v2 API). Stateless: it signs, sends and maps answers into outcomes;
 * the services persist them and check transitions. Transport failures become outcomes here,
 * because each operation gives them a different meaning (§2.4).
 */
export class ShouqianbaAdapter implements InStoreAdapter {
  readonly vendor = Vendor.SHOUQIANBA;

  constructor(
    private readonly http: VendorHttpClient,
    private readonly timeoutMs: () => number,
  ) {}

  /** 三.2 pay: B scans C. */
  async pay(
    config: ResolvedProviderConfig,
    order: InStoreOrderRequest & { dynamicId: string },
  ): Promise<InStoreCreateOutcome> {
    const body = compact({
      terminal_sn: terminalSn(config),
      client_sn: order.clientSn,
      total_amount: fenToWire(order.amountFen),
      dynamic_id: order.dynamicId,
      subject: order.subject,
      operator: order.operator,
      description: order.description,
    });
    return this.createOutcome(await this.call(config, '/upay/v2/pay', body));
  }

  /** 三.6 precreate: C scans B; the answer carries the qr_code. */
  async precreate(
    config: ResolvedProviderConfig,
    order: InStoreOrderRequest & { wallet: Wallet },
  ): Promise<InStoreCreateOutcome> {
    const body = compact({
      terminal_sn: terminalSn(config),
      client_sn: order.clientSn,
      total_amount: fenToWire(order.amountFen),
      payway: PAYWAYS[order.wallet],
      subject: order.subject,
      operator: order.operator,
      description: order.description,
    });
    return this.createOutcome(await this.call(config, '/upay/v2/precreate', body));
  }

  /** 三.4 query, by our order number. */
  async query(config: ResolvedProviderConfig, clientSn: string): Promise<InStoreQueryOutcome> {
    const answer = await this.call(config, '/upay/v2/query', { terminal_sn: terminalSn(config), client_sn: clientSn });
    if (answer.kind === 'transport') return { kind: 'unknown', reason: answer.reason, notSent: !answer.sent };
    if (answer.kind === 'client_error')
      return { kind: 'refused', failure: failureOf(answer.errorCode, answer.errorMessage) };
    if (answer.kind === 'server_error')
      return { kind: 'unknown', reason: `${answer.errorCode} ${answer.errorMessage}` };
    if (answer.resultCode === 'SUCCESS' && answer.order) return { kind: 'found', order: answer.order };
    if (isOrderMissing(answer.errorCode)) return { kind: 'missing' };
    return { kind: 'refused', failure: failureOf(answer.errorCode || answer.resultCode, answer.errorMessage) };
  }

  /** 三.5 cancel, by our order number. */
  async cancel(config: ResolvedProviderConfig, clientSn: string): Promise<InStoreCancelOutcome> {
    const answer = await this.call(config, '/upay/v2/cancel', { terminal_sn: terminalSn(config), client_sn: clientSn });
    if (answer.kind === 'transport' || answer.kind === 'server_error') {
      return { kind: 'uncertain', reason: answer.kind === 'transport' ? answer.reason : answer.errorCode };
    }
    if (answer.kind === 'client_error') {
      return { kind: 'uncertain', reason: answer.errorCode, failure: failureOf(answer.errorCode, answer.errorMessage) };
    }
    if (answer.resultCode === 'CANCEL_SUCCESS' || answer.resultCode === 'CANCEL_ABORT_SUCCESS') {
      return { kind: 'canceled', order: answer.order };
    }
    if (answer.resultCode === 'FAIL' && isOrderMissing(answer.errorCode)) return { kind: 'missing' };
    return {
      kind: 'uncertain',
      reason: answer.errorCode ? `${answer.resultCode} ${answer.errorCode}` : answer.resultCode,
      failure: answer.errorCode ? failureOf(answer.errorCode, answer.errorMessage) : undefined,
    };
  }

  /** 三.3 refund. Retrying an uncertain refund must reuse its refund_request_no and amount. */
  async refund(config: ResolvedProviderConfig, refund: InStoreRefundRequest): Promise<InStoreRefundOutcome> {
    const body = compact({
      terminal_sn: terminalSn(config),
      sn: refund.sn ?? undefined,
      client_sn: refund.clientSn,
      refund_request_no: refund.requestNo,
      operator: refund.operator,
      refund_amount: fenToWire(refund.amountFen),
    });
    const answer = await this.call(config, '/upay/v2/refund', body);
    if (answer.kind === 'transport') {
      return answer.sent ? { kind: 'uncertain', reason: answer.reason } : { kind: 'not_sent', reason: answer.reason };
    }
    if (answer.kind === 'client_error')
      return { kind: 'refused', failure: failureOf(answer.errorCode, answer.errorMessage) };
    if (answer.kind === 'server_error') return { kind: 'uncertain', reason: answer.errorCode };
    if (answer.resultCode === 'REFUND_SUCCESS') {
      // The refund flow's own status must agree: a REFUND_ERROR flow is not a confirmed refund.
      const flow = answer.order?.flowStatus;
      if (
        flow &&
        FLOW_STATUSES.includes(flow as FlowStatus) &&
        flowOutcomeOf(flow as FlowStatus) !== TransactionStatus.SUCCEEDED
      ) {
        return { kind: 'uncertain', reason: `REFUND_SUCCESS with flow status ${flow}` };
      }
      return { kind: 'refunded', order: answer.order };
    }
    if (answer.resultCode === 'FAIL')
      return { kind: 'refused', failure: failureOf(answer.errorCode, answer.errorMessage) };
    return { kind: 'uncertain', reason: answer.resultCode };
  }

  /** The query in our terms, for the generic sync and the slow poll. */
  async queryPayment(config: ResolvedProviderConfig, orderNo: string): Promise<PaymentQueryOutcome> {
    const result = await this.query(config, orderNo);
    switch (result.kind) {
      case 'found':
        return {
          kind: 'found',
          status: result.order.status,
          amount: result.order.totalFen,
          vendorRef: result.order.sn,
          detail: orderDetail(result.order),
        };
      case 'missing':
        return { kind: 'refused', code: 'UPAY_ORDER_NOT_EXISTS', message: 'the gateway has no such order' };
      case 'refused':
        return { kind: 'refused', code: result.failure.vendorCode, message: result.failure.message };
      case 'unknown':
        return result.notSent
          ? { kind: 'unreachable', reason: result.reason }
          : { kind: 'unverifiable', reason: result.reason };
    }
  }

  private createOutcome(answer: ShouqianbaAnswer | TransportFailure): InStoreCreateOutcome {
    if (answer.kind === 'transport') {
      return answer.sent ? { kind: 'unknown', reason: answer.reason } : { kind: 'not_sent', reason: answer.reason };
    }
    if (answer.kind === 'client_error')
      return { kind: 'refused', failure: failureOf(answer.errorCode, answer.errorMessage) };
    if (answer.kind === 'server_error')
      return { kind: 'unknown', reason: `${answer.errorCode} ${answer.errorMessage}` };
    const { order } = answer;
    // An open code string: one the spec does not list is an outcome we cannot read. The loop
    // queries the order (never a guess at PROCESSING or FAILED).
    if (!(BIZ_RESULT_CODES as readonly string[]).includes(answer.resultCode))
      return { kind: 'unknown', reason: `unrecognised result_code ${answer.resultCode}` };
    const code = answer.resultCode as BizResultCode;
    switch (code) {
      case 'PAY_SUCCESS':
        return { kind: 'accepted', status: TransactionStatus.SUCCEEDED, order };
      case 'PAY_FAIL':
      case 'PRECREATE_FAIL':
        return {
          kind: 'accepted',
          status: TransactionStatus.FAILED,
          order,
          failure: failureOf(answer.errorCode, answer.errorMessage),
        };
      case 'PAY_FAIL_ERROR':
        // §2.4: "本次收款异常请联系收钱吧客服": failed, payer side not confirmed.
        return {
          kind: 'accepted',
          status: TransactionStatus.NEEDS_ATTENTION,
          order,
          failure: {
            ...failureOf(answer.errorCode, answer.errorMessage),
            reason: FailureReason.PAYER_SIDE_UNCONFIRMED,
          },
        };
      case 'FAIL':
        if (answer.errorCode === 'CLIENT_SN_CONFLICT') return { kind: 'exists' };
        return { kind: 'refused', failure: failureOf(answer.errorCode, answer.errorMessage) };
      case 'PAY_IN_PROGRESS':
      case 'PRECREATE_SUCCESS':
        // §2.4: in progress, or a QR code waiting to be scanned: the loop polls.
        return { kind: 'accepted', status: TransactionStatus.PROCESSING, order };
      case 'SUCCESS':
      case 'CANCEL_SUCCESS':
      case 'CANCEL_ERROR':
      case 'CANCEL_ABORT_ERROR':
      case 'CANCEL_ABORT_SUCCESS':
      case 'REFUND_SUCCESS':
      case 'REFUND_ERROR':
        // Codes of other operations: not an answer to pay or precreate.
        return { kind: 'unknown', reason: `result_code ${code} answers another operation` };
    }
  }

  private async call(
    config: ResolvedProviderConfig,
    path: string,
    request: object,
  ): Promise<ShouqianbaAnswer | TransportFailure> {
    const body = JSON.stringify(request);
    try {
      const response = await this.http.send({
        vendor: Vendor.SHOUQIANBA,
        method: 'POST',
        url: `${config.baseUrl}${path}`,
        headers: {
          'content-type': 'application/json',
          authorization: authorizationHeader(terminalSn(config), body, shouqianbaCredentials(config).terminalKey),
        },
        body,
        timeoutMs: this.timeoutMs(),
      });
      return parseAnswer(response.status, response.text());
    } catch (error) {
      if (error instanceof VendorUnavailableError) return { kind: 'transport', sent: false, reason: error.code };
      if (error instanceof UnknownOutcomeError) return { kind: 'transport', sent: true, reason: error.reason };
      throw error;
    }
  }
}

interface TransportFailure {
  kind: 'transport';
  /** False when the connection was refused before anything was sent. */
  sent: boolean;
  reason: string;
}

function terminalSn(config: ResolvedProviderConfig): string {
  return shouqianbaCredentials(config).terminalSn;
}
