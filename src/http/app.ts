import { expressMiddleware } from '@as-integrations/express5';
import express, { type ErrorRequestHandler } from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildPaygraphSchema } from '../schema/build-schema';
import { createApolloServer } from '../graphql/apollo';
import { createRequestContext } from '../graphql/context';
import { OPERATION_LIMITS } from '../graphql/protection';
import { attachWebSocketServer } from '../graphql/websocket';
import type { Services } from '../services/services';
import { playgroundRouter } from './playground-routes';

export interface RunningHttpServer {
  server: Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Answers body-parser failures the way a GraphQL-over-HTTP client expects: JSON, 4xx, a code. */
const requestErrorHandler: ErrorRequestHandler = (error, _req, res, next) => {
  if (res.headersSent) {
    next(error);
    return;
  }
  const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
  const message =
    error?.type === 'entity.parse.failed'
      ? 'The request body is not valid JSON'
      : error?.type === 'entity.too.large'
        ? `The request body is larger than ${OPERATION_LIMITS.maxBodyBytes} bytes`
        : status === 500
          ? 'Internal server error'
          : 'Bad request';
  res
    .status(status)
    .type('application/json')
    .send(
      JSON.stringify({
        errors: [{ message, extensions: { code: status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST' } }],
      }),
    );
};

/**
 * The HTTP surface: GraphQL (HTTP and graphql-ws on /graphql), the playground at /, health.
 * Vendor callbacks (/callbacks/…) and sandboxes (/sandbox/…) mount here too.
 */
export async function startHttpServer(services: Services, port: number, host = '0.0.0.0'): Promise<RunningHttpServer> {
  const schema = buildPaygraphSchema();
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const server = createServer(app);
  const apollo = createApolloServer({ schema, services, httpServer: server });
  await apollo.start();
  const webSockets = attachWebSocketServer(server, schema, services);

  app.get('/healthz', async (_req, res) => {
    try {
      await services.db.dataSource.query('SELECT 1');
      res.json({ status: 'ok', database: services.db.kind });
    } catch {
      res.status(503).json({ status: 'unavailable', database: services.db.kind });
    }
  });
  if (services.config.playground) app.use(playgroundRouter());
  app.use(
    '/graphql',
    express.json({ limit: OPERATION_LIMITS.maxBodyBytes }),
    expressMiddleware(apollo, {
      context: async ({ req }) =>
        createRequestContext(await services.auth.viewerFor(req.headers.authorization), services),
    }),
  );
  app.use((_req, res) => {
    res.status(404).json({ errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] });
  });
  app.use(requestErrorHandler);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  return {
    server,
    port: actualPort,
    url: `http://127.0.0.1:${actualPort}`,
    async close() {
      await webSockets.close();
      await apollo.stop();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
