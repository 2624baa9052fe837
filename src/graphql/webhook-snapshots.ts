import { execute, parse, type ExecutionResult } from 'graphql';
import type { Services } from '../services/services';
import type { EntitySnapshot, EntitySnapshots } from '../services/webhooks/webhook-bodies';
import { entityKeyOf } from '../services/webhooks/webhook-bodies';
import { buildPaygraphSchema } from './build-schema';
import { createRequestContext } from './context';
import { NODE_TYPE_OF_ENTITY, toGlobalId } from './global-id';

/**
 * The entity in a webhook body: what this query returns for it, so a webhook and a query show
 * the same fields under the same names. Nothing a vendor must be asked for, and no personal
 * data beyond what the query would show its platform. No `lastEventCursor`: the body's own `id`
 * is the event's cursor (and the field would cost a read of the entity's history).
 */
export const WEBHOOK_ENTITY_QUERY = /* GraphQL */ `
  fragment WebhookFailure on TransactionFailure {
    reason
    vendorCode
    message
  }
  fragment WebhookMoney on Money {
    fen
    yuan
    currency
  }
  query WebhookEntities($ids: [ID!]!) {
    nodes(ids: $ids) {
      __typename
      id
      ... on Transaction {
        kind
        status
        vendor
        orderNo
        vendorRef
        description
        ledgerKind
        amount {
          ...WebhookMoney
        }
        failure {
          ...WebhookFailure
        }
        parent {
          id
        }
        client {
          id
        }
        biz {
          id
        }
        createdAt
        updatedAt
      }
      ... on Payout {
        status
        vendor
        channel
        orderNo
        vendorRef
        vendorStatus
        vendorStatusDetail
        amount {
          ...WebhookMoney
        }
        failure {
          ...WebhookFailure
        }
        client {
          id
        }
        createdAt
        updatedAt
      }
      ... on WebhookEndpoint {
        url
        status
        disabledReason
        eventTypes
        createdAt
      }
    }
  }
`;

const MAX_IDS = 100;

/** Webhook snapshots read through the schema, as the platform itself (its API key) would. */
export function createWebhookSnapshots(services: Services): EntitySnapshots {
  const document = parse(WEBHOOK_ENTITY_QUERY);
  return async (platformId, entities) => {
    const snapshots = new Map<string, EntitySnapshot | null>();
    // One context per batch: its loaders read each table once for all the batch's entities.
    const context = createRequestContext({ kind: 'platform', platformId, apiKeyId: 'webhooks' }, services);
    for (let start = 0; start < entities.length; start += MAX_IDS) {
      const chunk = entities.slice(start, start + MAX_IDS);
      const result = (await execute({
        schema: buildPaygraphSchema(),
        document,
        contextValue: context,
        variableValues: { ids: chunk.map((entity) => toGlobalId(NODE_TYPE_OF_ENTITY[entity.kind], entity.id)) },
      })) as ExecutionResult<{ nodes: Array<EntitySnapshot | null> }>;
      // A field that fails is null in the snapshot, as it would be in a query's answer; the
      // event is still delivered (its status fields come from the log, not the snapshot).
      if (result.errors?.length)
        services.logger.warn(
          { paths: result.errors.map((error) => error.path?.join('.')), platformId },
          'webhook snapshot: some fields could not be read',
        );
      chunk.forEach((entity, index) =>
        snapshots.set(entityKeyOf(entity.kind, entity.id), result.data?.nodes?.[index] ?? null),
      );
    }
    return snapshots;
  };
}
