import express, { type ErrorRequestHandler } from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildPaygraphSchema } from '../schema/build-schema';
import { createApolloServer } from '../graphql/apollo';
import { attachWebSocketServer } from '../graphql/websocket';
import type { Services } from '../services/services';
import { createGraphQLHandler } from './graphql-handler';
import type { Sandboxes } from '../sandbox/sandboxes';
import { createCallbackHandler } from './callback-routes';
import { playgroundRouter } from './playground-routes';

export interface RunningHttpServer {
  server: Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Anything unexpected on the non-GraphQL routes: JSON, a code, no stack trace. */
const unexpectedErrorHandler: ErrorRequestHandler = (_error, _req, res, next) => {
  if (res.headersSent) {
    next(_error);
    return;
  }
  res
    .status(500)
    .json({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
};

/**
 * The HTTP surface: GraphQL (HTTP and graphql-ws on /graphql), the playground at /, health.
 * Vendor callbacks (/callbacks/…) and sandboxes (/sandbox/…) mount here too.
 */
export async function startHttpServer(
  services: Services,
  port: number,
  host = '0.0.0.0',
  sandboxes?: Sandboxes,
): Promise<RunningHttpServer> {
  const schema = buildPaygraphSchema();
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const server = createServer((req, res) => {
    const path = req.url?.split('?', 1)[0];
    if (path === '/graphql') {
      graphqlHandler(req, res).catch((error) => {
        services.logger.error({ err: error }, 'unhandled error in the GraphQL handler');
        if (!res.headersSent) {
          res.statusCode = 500;
          res.setHeader('content-type', 'application/json; charset=utf-8');
          res.end(
            JSON.stringify({
              errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
            }),
          );
        } else res.end();
      });
      return;
    }
    if (path?.startsWith('/callbacks/')) {
      handleCallback(req, res);
      return;
    }
    app(req, res);
  });
  const handleCallback = createCallbackHandler(services);
  const apollo = createApolloServer({ schema, services, httpServer: server });
  await apollo.start();
  // Referenced by the request listener above; requests only arrive after listen() below.
  const graphqlHandler = createGraphQLHandler(apollo, services);
  const webSockets = attachWebSocketServer(server, schema, services);

  app.get('/healthz', async (_req, res) => {
    try {
      await services.db.dataSource.query('SELECT 1');
      res.json({ status: 'ok', database: services.db.kind, subscriptions: services.feeds.activeSubscriptions });
    } catch {
      res.status(503).json({ status: 'unavailable', database: services.db.kind });
    }
  });
  if (sandboxes) app.use(sandboxes.router());
  if (services.config.playground) app.use(playgroundRouter());
  app.use((_req, res) => {
    res.status(404).json({ errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] });
  });
  app.use(unexpectedErrorHandler);

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
