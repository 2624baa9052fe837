import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import type { Server } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import type { Services } from '../services/services';
import type { RequestContext } from './context';
import { createErrorFormatter } from './format-error';
import { OPERATION_LIMITS, protectionRules } from './protection';

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
    ],
  });
}
