import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { Metrics } from '../observability/metrics';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import type { Server } from 'node:http';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import type { Services } from '../services/services';
import type { RequestContext } from './context';
import { createErrorFormatter } from './format-error';
import { OPERATION_LIMITS, protectionRules } from './protection';

/** Counts and times every operation by name (Metrics.graphqlRequests / graphqlDuration). */
function requestMetricsPlugin(metrics: Metrics): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ request, response, operationName }) {
          const operation = Metrics.operationLabel(operationName ?? request.operationName);
          const errors = response.body.kind === 'single' && (response.body.singleResult.errors?.length ?? 0) > 0;
          metrics.graphqlRequests.inc({ operation, outcome: errors ? 'error' : 'ok' });
          metrics.graphqlDuration.observe({ operation }, Number(process.hrtime.bigint() - started) / 1e9);
        },
      };
    },
  };
}

export function createApolloServer(options: {
  schema: GraphQLSchema;
  services: Services;
  httpServer: Server;
  extraPlugins?: ApolloServer<RequestContext>['internals']['plugins'];
}): ApolloServer<RequestContext> {
  const { config, logger } = options.services;
  return new ApolloServer<RequestContext>({
    schema: options.schema,
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    // main.ts owns SIGINT/SIGTERM: Apollo's own handler re-raises the signal after stopping,
    // which would kill the process before the database is closed and flushed.
    stopOnTerminationSignals: false,
    // With introspection off, "Did you mean …?" hints would leak the schema anyway.
    hideSchemaDetailsFromClientErrors: !config.introspection,
    // CSRF prevention exists for cookie-authenticated browsers. paygraph authenticates only
    // with bearer credentials, which a cross-site form cannot attach, so we follow the
    // GraphQL-over-HTTP spec instead and accept plain GET queries (see docs/adr/0004).
    csrfPrevention: false,
    // Automatic persisted queries are on (Apollo's default, in-memory LRU per instance).
    persistedQueries: {},
    parseOptions: { maxTokens: OPERATION_LIMITS.maxTokens },
    validationRules: protectionRules(),
    formatError: createErrorFormatter(logger),
    logger: {
      debug: (message) => logger.debug(message),
      info: (message) => logger.info(message),
      warn: (message) => logger.warn(message),
      error: (message) => logger.error(message),
    },
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: options.httpServer }),
      // Apollo's landing page loads from a CDN; we serve our own offline playground at `/`.
      ApolloServerPluginLandingPageDisabled(),
      // The implicit cache-control plugin computes a cache policy for every field of every
      // response; nothing here is HTTP-cacheable (all data is per-credential), so skip it.
      ApolloServerPluginCacheControlDisabled(),
      requestMetricsPlugin(options.services.metrics),
      {
        // A subscription needs a socket: over HTTP it gets a clear 400, not a resolver crash.
        async requestDidStart() {
          return {
            async didResolveOperation({ operation }) {
              if (operation?.operation === 'subscription') {
                throw new GraphQLError(
                  'Subscriptions are served over graphql-ws on the same path (/graphql), not HTTP',
                  {
                    extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
                  },
                );
              }
            },
          };
        },
      },
    ],
  });
}
