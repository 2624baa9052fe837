import express, { type Router } from 'express';
import { isId } from '../crypto/ids';
import { Vendor } from '../domain/enums';
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
        const { outcome, reply } = await services.callbacks.receive(vendor, platformId, {
          method: req.method,
          pathRest: rest ? rest.join('/') : '',
          query: queryStart >= 0 ? req.originalUrl.slice(queryStart + 1) : '',
          headers: req.headers,
          body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        });
        services.logger.debug({ vendor, platformId, outcome }, 'callback handled');
        res.status(reply.status).type(reply.contentType).send(reply.body);
      } catch (error) {
        next(error);
      }
    },
  );
  return router;
}
