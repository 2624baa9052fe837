import { type ApolloServer, HeaderMap } from '@apollo/server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { newRequestMetrics, requestMetrics } from '../db/request-metrics';
import { createRequestContext, type RequestContext } from '../graphql/context';
import { OPERATION_LIMITS } from '../graphql/protection';
import { readRequestBody } from './read-body';
import type { Services } from '../services/services';

/**
 * GraphQL over HTTP straight on node:http. Apollo's Express integration costs a router,
 * body-parser and Express's response helpers on every request; on the hot path they were
 * about a fifth of the CPU time of a small query (see README, Benchmarks). Express still
 * serves every other route.
 */
export function createGraphQLHandler(apollo: ApolloServer<RequestContext>, services: Services) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // A person who opens /graphql in a browser lands on the playground, or is told where to go.
    if (req.method === 'GET' && !req.url?.includes('?') && /text\/html/.test(req.headers.accept ?? '')) {
      if (services.config.playground) {
        res.writeHead(302, { location: '/' }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        '<!doctype html><meta charset="utf-8"><title>paygraph</title><h1>paygraph GraphQL endpoint</h1>' +
          '<p>POST GraphQL operations here (or GET with <code>?query=</code>), with <code>Authorization: Bearer &lt;api key&gt;</code>; subscriptions use graphql-ws on this same path.</p>',
      );
      return;
    }
    let body: unknown;
    if (req.method === 'POST') {
      const read = await readRequestBody(req, OPERATION_LIMITS.maxBodyBytes);
      if (read.kind === 'aborted') {
        services.logger.debug({ path: '/graphql' }, 'client went away while sending the request body');
        res.destroy();
        return;
      }
      if (read.kind === 'too_large') {
        return sendError(res, 413, `The request body is larger than ${OPERATION_LIMITS.maxBodyBytes} bytes`);
      }
      const text = read.body.toString('utf8');
      const type = req.headers['content-type'] ?? '';
      if (/^application\/(graphql-response\+)?json\b/i.test(type) || type === '') {
        try {
          body = text.length > 0 ? JSON.parse(text) : undefined;
        } catch {
          return sendError(res, 400, 'The request body is not valid JSON');
        }
      } else {
        // Apollo answers unsupported content types with its own 400 and message.
        body = text;
      }
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const url = req.url ?? '/';
    const queryStart = url.indexOf('?');
    const metrics = newRequestMetrics();
    const started = performance.now();
    const response = await requestMetrics.run(metrics, () =>
      apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: {
          method: (req.method ?? 'GET').toUpperCase(),
          headers,
          search: queryStart >= 0 ? url.slice(queryStart) : '',
          body,
        },
        context: async () => createRequestContext(await services.auth.viewerFor(req.headers.authorization), services),
      }),
    );
    res.statusCode = legacyJsonStatus(req.headers.accept, response.status ?? 200, response.body);
    for (const [key, value] of response.headers) res.setHeader(key, value);
    // SERVER_TIMING (on outside production): our own time with the vendors' subtracted, the
    // vendors' time, and the SQL statements and transactions the operation ran (N+1 checks).
    if (services.config.serverTiming) {
      const total = performance.now() - started;
      res.setHeader(
        'server-timing',
        `app;dur=${(total - metrics.vendorMs).toFixed(2)}, vendor;dur=${metrics.vendorMs}, ` +
          `sql;desc="${metrics.sqlStatements} statements", tx;desc="${metrics.transactions} transactions"`,
      );
    }
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}

/** The errors of a document that does not parse or validate, or whose variables do not coerce. */
const DOCUMENT_ERRORS = /"code":"(GRAPHQL_PARSE_FAILED|GRAPHQL_VALIDATION_FAILED|BAD_USER_INPUT)"/;

/**
 * GraphQL over HTTP: a client that accepts only `application/json` (the legacy media type)
 * gets 200 for a well-formed request whose document fails, with the errors in the body; 4xx
 * are for `application/graphql-response+json` clients, which Apollo answers by default.
 */
function legacyJsonStatus(accept: string | undefined, status: number, body: { kind: string; string?: string }): number {
  if (status !== 400 || !accept || body.kind !== 'complete') return status;
  const onlyJson = /application\/json/.test(accept) && !/graphql-response\+json|\*\/\*/.test(accept);
  return onlyJson && DOCUMENT_ERRORS.test(body.string ?? '') ? 200 : status;
}

function sendError(res: ServerResponse, status: number, message: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] }));
}
