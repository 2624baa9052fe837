import express, { type ErrorRequestHandler } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildPaygraphSchema } from '../graphql/build-schema';
import { createApolloServer } from '../graphql/apollo';
import { attachWebSocketServer } from '../graphql/websocket';
import type { Services } from '../services/services';
import { createGraphQLHandler } from './graphql-handler';
import type { Sandboxes } from '../sandbox/sandboxes';
import { createCallbackHandler } from './callback-routes';
import { playgroundRouter } from './playground-routes';
import { requestContext, requestIdFrom } from '../logging/request-context';

export interface RunningHttpServer {
  server: Server;
  url: string;
  port: number;
  /** The port of METRICS_PORT's server, when there is one. */
  metricsPort?: number;
  /** Subscription payloads executed so far: one per event and group of like subscribers. */
  subscriptionExecutions(): number;
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
    // Every request runs under its id: its log lines (and its vendor calls') carry it.
    const requestId = requestIdFrom(req.headers['x-request-id']);
    res.setHeader('x-request-id', requestId);
    requestContext.run({ requestId }, () => route(req, res));
  });
  const route = (req: IncomingMessage, res: ServerResponse): void => {
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
  };
  const handleCallback = createCallbackHandler(services);
  const apollo = createApolloServer({ schema, services, httpServer: server });
  await apollo.start();
  // Referenced by the request listener above; requests only arrive after listen() below.
  const graphqlHandler = createGraphQLHandler(apollo, services);
  const webSockets = attachWebSocketServer(server, schema, services);

  // Readiness: this instance can serve (its database answers, and Redis when it is configured).
  app.get('/readyz', async (_req, res) => {
    const checks = await readinessChecks(services);
    res.status(Object.values(checks).every((check) => check === 'ok') ? 200 : 503).json({
      status: Object.values(checks).every((check) => check === 'ok') ? 'ready' : 'unavailable',
      checks,
    });
  });
  const metricsToken = services.config.metrics.token;
  // /metrics on the main port: with METRICS_TOKEN, for a bearer of it; outside production
  // with neither a token nor a port of its own, open (a developer's machine).
  if (metricsToken || (services.config.nodeEnv !== 'production' && services.config.metrics.port === undefined)) {
    app.get('/metrics', async (req, res) => {
      if (metricsToken && !bearerMatches(req.headers.authorization, metricsToken)) {
        res
          .status(401)
          .json({ errors: [{ message: 'METRICS_TOKEN required', extensions: { code: 'UNAUTHENTICATED' } }] });
        return;
      }
      res.type(services.metrics.registry.contentType).send(await services.metrics.registry.metrics());
    });
  }
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
  const metricsServer =
    services.config.metrics.port !== undefined
      ? await startMetricsServer(services, services.config.metrics.port, host)
      : undefined;
  return {
    server,
    port: actualPort,
    url: `http://127.0.0.1:${actualPort}`,
    metricsPort: metricsServer ? (metricsServer.address() as AddressInfo).port : undefined,
    subscriptionExecutions: () => webSockets.subscriptionExecutions,
    async close() {
      await webSockets.close();
      await apollo.stop();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
      if (metricsServer?.listening) await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
    },
  };
}

async function readinessChecks(services: Services): Promise<Record<string, 'ok' | 'unavailable'>> {
  const checks: Record<string, 'ok' | 'unavailable'> = {};
  checks.database = await services.db.dataSource.query('SELECT 1').then(
    () => 'ok' as const,
    () => 'unavailable' as const,
  );
  if (services.config.redisUrl) checks.redis = (await services.bus.ping()) ? 'ok' : 'unavailable';
  return checks;
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** METRICS_PORT: /metrics alone, without a token, for a port only the monitoring network reaches. */
async function startMetricsServer(services: Services, port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url?.split('?', 1)[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    services.metrics.registry.metrics().then(
      (body) => {
        res.writeHead(200, { 'content-type': services.metrics.registry.contentType });
        res.end(body);
      },
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
