import express, { type Response, type Router } from 'express';
import { isId } from '../crypto/ids';
import { Vendor } from '../domain/enums';
import { Transaction } from '../entities';
import { toGlobalId } from '../graphql/global-id';
import type { Services } from '../services/services';

const VENDOR_PATHS: Record<string, Vendor> = {
  colourlife: Vendor.COLOURLIFE,
  yunzhanghu: Vendor.YUNZHANGHU,
  cashier: Vendor.CASHIER,
  shouqianba: Vendor.SHOUQIANBA,
};

/**
 * `/callbacks/<vendor>/<platformId>[/<rest>]`: vendors' notifications, any method. The body
 * is kept as raw bytes because signatures are over the exact bytes sent.
 */
export function callbackRouter(services: Services): Router {
  const router = express.Router();
  router.all(
    '/callbacks/:vendor/:platformId{/*rest}',
    express.raw({ type: () => true, limit: '256kb' }),
    async (req, res, next) => {
      try {
        const vendor = VENDOR_PATHS[req.params.vendor as string];
        const platformId = req.params.platformId as string;
        if (!vendor || !isId(platformId)) {
          res.status(404).type('text/plain').send('not found');
          return;
        }
        const rest = (req.params as { rest?: string[] }).rest;
        const queryStart = req.originalUrl.indexOf('?');
        const pathRest = rest ? rest.join('/') : '';
        const { outcome, reply, orderNo } = await services.callbacks.receive(vendor, platformId, {
          method: req.method,
          pathRest,
          query: queryStart >= 0 ? req.originalUrl.slice(queryStart + 1) : '',
          headers: req.headers,
          body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        });
        services.logger.debug({ vendor, platformId, outcome }, 'callback handled');
        if (vendor === Vendor.CASHIER && pathRest === 'front') {
          // The payer's browser, not the vendor: answer with a page, not the vendor's ack.
          await sendFrontPage(services, res, platformId, outcome === 'rejected' ? undefined : orderNo);
          return;
        }
        res.status(reply.status).type(reply.contentType).send(reply.body);
      } catch (error) {
        next(error);
      }
    },
  );
  return router;
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
  res: Response,
  platformId: string,
  orderNo: string | undefined,
): Promise<void> {
  const transaction = orderNo ? await services.db.manager.findOneBy(Transaction, { platformId, orderNo }) : null;
  if (!transaction) {
    res
      .status(400)
      .type('html')
      .send('<!doctype html><meta charset="utf-8"><h1>Payment result could not be verified</h1>');
    return;
  }
  const paymentId = toGlobalId('Transaction', transaction.id);
  const returnUrl = (transaction.vendorData as { returnUrl?: string | null } | null)?.returnUrl;
  if (returnUrl) {
    const target = new URL(returnUrl);
    target.searchParams.set('paymentId', paymentId);
    target.searchParams.set('status', transaction.status);
    res.redirect(303, target.toString());
    return;
  }
  res
    .type('html')
    .send(
      `<!doctype html><html><head><meta charset="utf-8"><title>Payment ${escapeHtml(transaction.status)}</title></head>` +
        `<body><h1 id="status">${escapeHtml(transaction.status)}</h1><p>Payment <code>${escapeHtml(paymentId)}</code></p></body></html>`,
    );
}
