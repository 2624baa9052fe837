import type { Scope } from '../auth/viewer';
import type { Database } from '../db/database';
import {
  CURRENCY_CNY,
  EntityKind,
  EventSource,
  TransactionKind,
  TransactionStatus,
  type Vendor,
} from '../domain/enums';
import { TRANSACTION_TRANSITIONS, isTerminal } from '../domain/transitions';
import { Transaction } from '../entities';
import { badUserInput } from '../errors/app-errors';
import type { ScopedReads } from './scoped-reads';
import type { StatusEventService, TransitionOutcome, TransitionRequest } from './status-event-service';

/** The largest amount a vendor field of 10 digits of fen can carry. */
export const MAX_PAYMENT_FEN = 9_999_999_999;

export function isFinal(status: string): boolean {
  return isTerminal(TRANSACTION_TRANSITIONS, status as TransactionStatus);
}

/**
 * Checks who pays and who is paid, as every payment method does: a positive amount, a client
 * token paying only for itself, and a client and biz that exist on the platform.
 */
export async function checkParties(
  reads: ScopedReads,
  scope: Scope,
  input: { amountFen: number; clientId?: string; bizId?: string },
): Promise<{ clientId: string | undefined }> {
  if (!Number.isSafeInteger(input.amountFen) || input.amountFen <= 0 || input.amountFen > MAX_PAYMENT_FEN) {
    throw badUserInput('amountFen must be a whole number of fen between 1 and 9999999999', 'amountFen');
  }
  if (scope.clientId && input.clientId && input.clientId !== scope.clientId) {
    throw badUserInput('a client token can only create payments for its own client', 'clientId');
  }
  const clientId = scope.clientId ?? input.clientId;
  if (clientId) await reads.get('Client', scope, clientId);
  if (input.bizId) await reads.get('Biz', { platformId: scope.platformId }, input.bizId);
  return { clientId };
}

export interface NewTransaction {
  id: string;
  platformId: string;
  vendor: Vendor;
  kind: TransactionKind;
  parentId?: string | null;
  clientId: string | null;
  bizId: string | null;
  amountFen: number;
  status: TransactionStatus;
  orderNo: string;
  description: string | null;
  vendorData: Record<string, unknown>;
  /** On the creation event. */
  detail: Record<string, unknown>;
}

/**
 * Inserts a payment or refund row with its creation event in one DB transaction, inside the
 * caller's transaction when given. The caller publishes the returned event after commit.
 */
export async function insertTransaction(
  manager: Parameters<Parameters<Database['transaction']>[0]>[0],
  events: StatusEventService,
  fields: NewTransaction,
) {
  const transaction = Object.assign(new Transaction(), {
    id: fields.id,
    platformId: fields.platformId,
    vendor: fields.vendor,
    kind: fields.kind,
    parentId: fields.parentId ?? null,
    clientId: fields.clientId,
    bizId: fields.bizId,
    payerAccountId: null,
    payeeAccountId: null,
    amountFen: fields.amountFen,
    currency: CURRENCY_CNY,
    status: fields.status,
    orderNo: fields.orderNo,
    vendorRef: null,
    description: fields.description,
    vendorData: fields.vendorData,
  });
  await events.lockSequence(manager, fields.platformId);
  await manager.save(Transaction, transaction);
  return events.appendEvent(manager, {
    platformId: fields.platformId,
    entityKind: EntityKind.TRANSACTION,
    entityId: fields.id,
    clientId: fields.clientId,
    bizId: fields.bizId,
    fromStatus: null,
    toStatus: fields.status,
    source: EventSource.API,
    terminal: false,
    detail: fields.detail,
  });
}

/** An order number from our id: 32 hex characters, unique, and the same on every retry. */
export function orderNoOf(id: string): string {
  return id.replace(/-/g, '');
}

/**
 * A status change together with what the vendor told us (its number, codes, a failure), in
 * one DB transaction; the vendor data is only merged when the status change is allowed, so a
 * late answer never rewrites a settled row. Published after commit.
 */
export async function applyVendorOutcome(
  db: Database,
  events: StatusEventService,
  request: TransitionRequest,
  patch: { vendorRef?: string | null; vendorData?: Record<string, unknown> } = {},
): Promise<TransitionOutcome> {
  const outcome = await db.transaction(async (manager) => {
    const result = await events.transitionWithin(manager, request);
    if (result.changed || result.reason === 'same_status') {
      const row = await manager.findOneByOrFail(Transaction, { id: request.entityId });
      const update: Partial<Transaction> = {};
      if (patch.vendorRef) update.vendorRef = patch.vendorRef;
      if (patch.vendorData) update.vendorData = { ...(row.vendorData ?? {}), ...patch.vendorData };
      if (Object.keys(update).length > 0) await manager.update(Transaction, { id: row.id }, update as never);
    }
    return result;
  });
  events.afterCommit(request, outcome);
  return outcome;
}
