import { isId } from '../crypto/ids';
import { EntityKind } from '../domain/enums';
import { badUserInput } from '../errors/app-errors';

/**
 * Relay global ids: base64url("<Type>:<uuid>"). Opaque to clients, and they carry the type so
 * `node(id:)` knows which table to read without guessing.
 */
export const NODE_TYPES = [
  'Client',
  'Biz',
  'AccountType',
  'Account',
  'Transaction',
  'Payout',
  'Platform',
  'ApiKey',
  'ReconciliationReport',
  'ProviderConfig',
  'WebhookEndpoint',
  'WebhookDelivery',
] as const;
export type NodeTypeName = (typeof NODE_TYPES)[number];

/** The node type of each kind of entity that has status events. */
export const NODE_TYPE_OF_ENTITY: Record<EntityKind, NodeTypeName> = {
  [EntityKind.TRANSACTION]: 'Transaction',
  [EntityKind.PAYOUT]: 'Payout',
  [EntityKind.WEBHOOK_ENDPOINT]: 'WebhookEndpoint',
};

export function toGlobalId(type: NodeTypeName, id: string): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
}

export function fromGlobalId(globalId: string): { type: NodeTypeName; id: string } {
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const separator = decoded.indexOf(':');
  const type = decoded.slice(0, separator) as NodeTypeName;
  const id = decoded.slice(separator + 1);
  if (separator < 1 || !NODE_TYPES.includes(type) || !isId(id)) {
    throw badUserInput(`"${globalId.slice(0, 64)}" is not a valid id`, 'id');
  }
  return { type, id };
}

/** Decodes a global id that must be of one type (e.g. a `clientId` input field). */
export function fromGlobalIdOf(expected: NodeTypeName, globalId: string, field: string): string {
  const { type, id } = fromGlobalId(globalId);
  if (type !== expected) throw badUserInput(`${field} must be the id of a ${expected}`, field);
  return id;
}
