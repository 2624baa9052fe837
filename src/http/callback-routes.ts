import type { IncomingMessage, ServerResponse } from 'node:http';
import { isId } from '../crypto/ids';
import { Vendor } from '../domain/enums';
import { Transaction } from '../entities';
import { toGlobalId } from '../graphql/global-id';
import type { CallbackReply, CallbackVerification, RawCallback } from '../providers/callbacks';
import type { CallbackOutcome } from '../services/events/status-writer';
import type { Services } from '../services/services';
import { shownTransactionData, vendorDataOf } from '../services/vendor-data';
import { readRequestBody } from './read-body';

/** The vendors that call us back. Shouqianba sends no notification we act on, so it has no route. */
const VENDOR_PATHS: Record<string, Vendor> = {
  colourlife: Vendor.COLOURLIFE,
  yunzhanghu: Vendor.YUNZHANGHU,
  cashier: Vendor.CASHIER,
};

type RouteOutcome = CallbackOutcome | 'not_configured';

/** Outcomes as the callbacks metric names them. */
const CALLBACK_RESULTS: Record<RouteOutcome, string> = {
  applied: 'applied',
  duplicate: 'duplicate',
  waiting: 'parked',
  rejected: 'rejected',
  not_configured: 'not_found',
};

const NOT_FOUND_REPLY: CallbackReply = { status: 404, contentType: 'text/plain; charset=utf-8', body: 'not found' };

function vendorLabel(url: string | undefined): string {
  const vendor = url?.split('/')[2];
  return vendor && vendor in VENDOR_PATHS ? VENDOR_PATHS[vendor] : 'unknown';
}

/** The most a vendor's notification may weigh; larger bodies are refused before reading on. */
const MAX_CALLBACK_BYTES = 256 * 1024;

/**
 * `/callbacks/<vendor>/<platformId>[/<rest>]`: vendors' notifications, any method. Served by
 * plain node:http, not Express: this is the hot path under a vendor's notification burst, and
 * routing and response helpers were a sixth of its CPU. The body is kept as raw bytes because
 * signatures are over the exact bytes sent.
 */
export function createCallbackHandler(services: Services): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handleCallback(services, req, res).catch((error: unknown) => {
      services.metrics.callbacks.inc({ vendor: vendorLabel(req.url), result: 'not_stored' });
      services.logger.error({ err: error }, 'unexpected error handling a callback');
      if (res.headersSent) res.end();
      else send(res, 500, 'application/json; charset=utf-8', INTERNAL_ERROR);
    });
  };
}

const INTERNAL_ERROR = JSON.stringify({
  errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
});

async function handleCallback(services: Services, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '';
  const queryStart = url.indexOf('?');
  const segments = (queryStart >= 0 ? url.slice(0, queryStart) : url).split('/').slice(2).map(decodeSegment);
  const [vendorPath, platformId, ...rest] = segments;
  const vendor = vendorPath ? VENDOR_PATHS[vendorPath] : undefined;
  if (!vendor || !platformId || !isId(platformId) || segments.includes(undefined)) {
    send(res, 404, 'text/plain', 'not found');
    return;
  }
  const read = await readRequestBody(req, MAX_CALLBACK_BYTES);
  if (read.kind === 'aborted') {
    services.logger.debug({ vendor }, 'vendor went away while sending a callback');
    res.destroy();
    return;
  }
  if (read.kind === 'too_large') {
    send(res, 413, 'text/plain', 'payload too large');
    return;
  }
  const body = read.body;
  const pathRest = rest.join('/');
  const { outcome, reply, orderNo } = await receive(services, vendor, platformId, {
    method: req.method ?? 'GET',
    pathRest,
    query: queryStart >= 0 ? url.slice(queryStart + 1) : '',
    headers: req.headers,
    body,
  });
  services.logger.debug({ vendor, platformId, outcome }, 'callback handled');
  services.metrics.callbacks.inc({ vendor, result: CALLBACK_RESULTS[outcome] });
  if (vendor === Vendor.CASHIER && pathRest === 'front') {
    // The payer's browser, not the vendor: answer with a page, not the vendor's ack.
    await sendFrontPage(services, res, platformId, outcome === 'rejected' ? undefined : orderNo);
    return;
  }
  send(res, reply.status, reply.contentType, reply.body);
}

/**
 * Verify before anything is read (the vendor's handler checks signature and timestamp over the
 * raw bytes, then parses with its schemas), then hand the notification to the status writer.
 * Only a callback we could not store is answered 5xx, so that the vendor retries it. One we
 * cannot read, or that names what cannot be ours, gets the vendor's own failure reply; so does
 * one whose verification broke (a vendor re-query that failed).
 */
async function receive(
  services: Services,
  vendor: Vendor,
  platformId: string,
  callback: RawCallback,
): Promise<{ outcome: RouteOutcome; reply: CallbackReply; orderNo?: string }> {
  const handler = services.callbackHandlers.get(vendor);
  const config = handler && (await services.providerConfigs.resolve(platformId, vendor).catch(() => undefined));
  if (!handler || !config) return { outcome: 'not_configured', reply: NOT_FOUND_REPLY };
  let verification: CallbackVerification;
  try {
    verification = await handler.verify(callback, config);
  } catch (error) {
    services.logger.error({ err: error, vendor, platformId }, 'callback verification failed unexpectedly');
    return { outcome: 'rejected', reply: handler.failure };
  }
  if (!verification.ok) {
    services.logger.warn({ vendor, platformId, reason: verification.reason }, 'callback rejected');
    return { outcome: 'rejected', reply: handler.failure };
  }
  const { outcome, problem } = await services.statusWriter.receiveCallback(vendor, platformId, verification);
  if (problem) services.logger.warn({ vendor, platformId, reason: problem }, 'callback rejected');
  const reply = outcome === 'rejected' ? handler.failure : handler.success;
  return { outcome, reply, orderNo: verification.notification.orderNo };
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The cashier's front notification (§3.2) lands here in the payer's browser. Once verified
 * and applied, the payer goes on to the platform's own page (`returnUrl`, with the payment id
 * and status), or sees a small result page when the platform gave none.
 */
async function sendFrontPage(
  services: Services,
  res: ServerResponse,
  platformId: string,
  orderNo: string | undefined,
): Promise<void> {
  const transaction = orderNo ? await services.db.manager.findOneBy(Transaction, { platformId, orderNo }) : null;
  if (!transaction) {
    send(
      res,
      400,
      'text/html; charset=utf-8',
      '<!doctype html><meta charset="utf-8"><h1>Payment result could not be verified</h1>',
    );
    return;
  }
  const paymentId = toGlobalId('Transaction', transaction.id);
  const returnUrl = vendorDataOf(transaction, shownTransactionData).returnUrl;
  if (returnUrl) {
    const target = new URL(returnUrl);
    target.searchParams.set('paymentId', paymentId);
    target.searchParams.set('status', transaction.status);
    res.writeHead(303, { location: target.toString(), 'content-length': 0 });
    res.end();
    return;
  }
  send(
    res,
    200,
    'text/html; charset=utf-8',
    `<!doctype html><html><head><meta charset="utf-8"><title>Payment ${escapeHtml(transaction.status)}</title></head>` +
      `<body><h1 id="status">${escapeHtml(transaction.status)}</h1><p>Payment <code>${escapeHtml(paymentId)}</code></p></body></html>`,
  );
}
