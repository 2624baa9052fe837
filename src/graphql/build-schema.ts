import 'reflect-metadata';
import { getNamedType, type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { type ValidationError, validateOrReject } from 'class-validator';
import { ArgumentValidationError, buildSchemaSync } from 'type-graphql';
import { authChecker } from '../resolvers/auth-checker';
import { answerInputErrorsAsResults } from './input-errors';
import { applyOneOfInputs } from '../schema/one-of';
import { LedgerResolver } from '../resolvers/ledger-resolvers';
import { NodeResolver } from '../resolvers/node-resolver';
import { AccountResolver } from '../resolvers/nodes/account-resolver';
import { ApiKeyResolver } from '../resolvers/nodes/api-key-resolver';
import { AccountTypeResolver } from '../resolvers/nodes/account-type-resolver';
import { BizResolver } from '../resolvers/nodes/biz-resolver';
import { ClientResolver } from '../resolvers/nodes/client-resolver';
import { PayoutResolver } from '../resolvers/nodes/payout-resolver';
import { PlatformResolver } from '../resolvers/nodes/platform-resolver';
import { ProviderConfigResolver } from '../resolvers/nodes/provider-config-resolver';
import { ReconciliationReportResolver } from '../resolvers/nodes/reconciliation-report-resolver';
import {
  EventsFeedResolver,
  PayoutStatusEventResolver,
  WebhookEndpointStatusEventResolver,
  TransactionStatusEventResolver,
} from '../resolvers/nodes/status-event-resolver';
import { TransactionResolver } from '../resolvers/nodes/transaction-resolver';
import { CheckoutResolver, PaymentResolver } from '../resolvers/payment-resolvers';
import { PayoutMutationResolver } from '../resolvers/payout-resolvers';
import { RefundCancelResolver } from '../resolvers/refund-cancel-resolvers';
import {
  PayoutUpdateResolver,
  SubscriptionResolver,
  TransactionUpdateResolver,
} from '../resolvers/subscription-resolvers';
import { WebhookDeliveryResolver, WebhookEndpointResolver, WebhookResolver } from '../resolvers/webhook-resolvers';
import { ClientViewerResolver, PlatformViewerResolver, ViewerResolver } from '../resolvers/viewer-resolver';

export const RESOLVERS = [
  NodeResolver,
  ViewerResolver,
  PlatformViewerResolver,
  ClientViewerResolver,
  PlatformResolver,
  ClientResolver,
  BizResolver,
  AccountTypeResolver,
  AccountResolver,
  TransactionResolver,
  PayoutResolver,
  TransactionStatusEventResolver,
  PayoutStatusEventResolver,
  WebhookEndpointStatusEventResolver,
  EventsFeedResolver,
  WebhookResolver,
  WebhookEndpointResolver,
  WebhookDeliveryResolver,
  ProviderConfigResolver,
  ApiKeyResolver,
  PaymentResolver,
  CheckoutResolver,
  RefundCancelResolver,
  LedgerResolver,
  PayoutMutationResolver,
  ReconciliationReportResolver,
  SubscriptionResolver,
  TransactionUpdateResolver,
  PayoutUpdateResolver,
] as const;

let cached: GraphQLSchema | undefined;

/**
 * class-validator on every input object and ArgsType, as type-graphql's own `validate` does
 * (missing properties skipped: GraphQL already checked them; unknown values allowed), but
 * with class-validator imported once: type-graphql's built-in path `require`s it on every
 * validation, a module resolution per argument that was 5% of a nested query's CPU.
 */
async function validateInput(argValue: unknown): Promise<void> {
  if (argValue === null || typeof argValue !== 'object') return;
  // Nothing given (a connection field asked without arguments): nothing a skipped missing
  // property could fail, and class-validator's metadata walk costs as much as a resolver.
  if (!Array.isArray(argValue) && Object.values(argValue).every((value) => value === undefined || value === null))
    return;
  const options = { skipMissingProperties: true, forbidUnknownValues: false };
  try {
    if (Array.isArray(argValue))
      await Promise.all(
        argValue
          .filter((item) => item !== null && typeof item === 'object')
          .map((item) => validateOrReject(item, options)),
      );
    else await validateOrReject(argValue, options);
  } catch (errors) {
    throw new ArgumentValidationError(errors as ValidationError[]);
  }
}

function buildOnce(): GraphQLSchema {
  const schema = buildSchemaSync({
    resolvers: RESOLVERS,
    authChecker,
    // Every @Subscription here supplies its own `subscribe` (scoped to the viewer's platform on
    // the EventBus), so type-graphql's topic-based PubSub is never used; it insists on one anyway.
    pubSub: {
      publish: () => {
        throw new Error('Publish through the EventBus, not type-graphql');
      },
      subscribe: () => {
        throw new Error('Subscriptions supply their own subscribe function');
      },
    },
    validateFn: validateInput,
  });
  applyOneOfInputs(schema);
  describeMutationInputs(schema);
  answerInputErrorsAsResults(schema);
  return schema;
}

/** Every mutation takes one `input`, described by its own type; the argument says where to look. */
function describeMutationInputs(schema: GraphQLSchema): void {
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    for (const arg of field.args)
      if (arg.name === 'input' && !arg.description)
        arg.description = `Everything ${field.name} needs: see ${getNamedType(arg.type).name}.`;
  }
}

/** The schema is the same for every instance and request, so it is built once per process. */
export function buildPaygraphSchema(): GraphQLSchema {
  cached ??= buildOnce();
  return cached;
}

/** The SDL committed as schema.graphql: sorted, so diffs show real changes only. */
export function printPaygraphSchema(): string {
  return `${printSchema(lexicographicSortSchema(buildPaygraphSchema()))}\n`;
}
