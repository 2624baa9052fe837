import type { Server } from 'node:http';
import { type ExecutionArgs, GraphQLError, type GraphQLSchema, parse, specifiedRules, validate } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Services } from '../services/services';
import { createRequestContext, type RequestContext } from './context';
import { createErrorFormatter } from './format-error';
import { OPERATION_LIMITS, protectionRules } from './protection';
import { SharedSubscriptionExecution } from './shared-subscriptions';

/**
 * graphql-ws on the same path as HTTP. The credential goes in `connection_init`:
 * `{ "authorization": "Bearer …" }`. A bad credential closes the socket with 4401 and a
 * readable reason (a code standard clients do not retry).
 */
export function attachWebSocketServer(httpServer: Server, schema: GraphQLSchema, services: Services) {
  const webSocketServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const format = createErrorFormatter(services.logger);
  const rules = [...specifiedRules, ...protectionRules()];
  const shared = new SharedSubscriptionExecution();
  const disposable = useServer<Record<string, unknown> | undefined, { viewerContext?: RequestContext }>(
    {
      schema,
      subscribe: shared.subscribe,
      onConnect: async (ctx) => {
        const header = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        try {
          const viewer = await services.auth.viewerFor(typeof header === 'string' ? header : undefined);
          ctx.extra.viewerContext = createRequestContext(viewer, services);
          return true;
        } catch (error) {
          // 4401 is one of graphql-ws's terminal codes: a standard client shows the reason at
          // once instead of retrying a credential that will never work (4403 it retries).
          const reason = `UNAUTHENTICATED: ${(error as Error).message}`.slice(0, 120);
          ctx.extra.socket.close(4401, reason);
          return false;
        }
      },
      context: (ctx) => ctx.extra.viewerContext ?? createRequestContext({ kind: 'anonymous' }, services),
      onSubscribe: (ctx, _id, payload) => {
        let document;
        try {
          document = parse(payload.query, { maxTokens: OPERATION_LIMITS.maxTokens });
        } catch (error) {
          return [new GraphQLError((error as Error).message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })];
        }
        const errors = validate(schema, document, rules);
        if (errors.length > 0) {
          return errors.map(
            (error) =>
              new GraphQLError(error.message, {
                nodes: error.nodes,
                extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
              }),
          );
        }
        const args: ExecutionArgs = {
          schema,
          document,
          variableValues: payload.variables,
          operationName: payload.operationName,
          // Each operation gets its own context (and loaders) sharing the connection's viewer.
          contextValue: createRequestContext(ctx.extra.viewerContext?.viewer ?? { kind: 'anonymous' }, services),
        };
        return args;
      },
      onNext: (_ctx, _id, _payload, _args, result) => {
        if (!('errors' in result) || !result.errors) return result;
        return { ...result, errors: result.errors.map((error) => format(error.toJSON(), error)) };
      },
      onError: (_ctx, _id, _payload, errors) => errors.map((error) => format(error.toJSON(), error)),
    },
    webSocketServer,
  );
  return {
    webSocketServer,
    /** How many subscription payloads were executed (one per event and group of subscribers). */
    get subscriptionExecutions(): number {
      return shared.executions;
    },
    async close(): Promise<void> {
      await disposable.dispose();
      await new Promise<void>((resolve) => webSocketServer.close(() => resolve()));
    },
  };
}
