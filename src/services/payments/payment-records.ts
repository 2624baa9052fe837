import type { Scope } from '../../auth/viewer';
import type { Database } from '../../db/database';
import {
  CURRENCY_CNY,
  EntityKind,
  EventSource,
  TransactionKind,
  TransactionStatus,
  type Vendor,
} from '../../domain/enums';
import { Transaction } from '../../entities';
import { badUserInput } from '../../errors/app-errors';
import type { ScopedReads } from '../tenancy/scoped-reads';
import type { StatusWriter, TransitionOutcome, TransitionRequest } from '../events/status-writer';

/** The largest amount a vendor field of 10 digits of fen can carry. */
export const MAX_PAYMENT_FEN = 9_999_999_999;

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
  /** Ledger transfers: the accounts on both sides. */
  payerAccountId?: string | null;
  payeeAccountId?: string | null;
  amountFen: number;
  status: TransactionStatus;
  orderNo: string;
  description: string | null;
  vendorData: Record<string, unknown>;
  /** On the creation event. */
  detail: Record<string, unknown>;
}

/**
 * Inserts a payment or refund row with its creation event inside the caller's DB transaction.
 * Returns both; the caller publishes the event after commit.
 */
export async function insertTransaction(
  manager: Parameters<Parameters<Database['transaction']>[0]>[0],
  statusWriter: StatusWriter,
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
    payerAccountId: fields.payerAccountId ?? null,
    payeeAccountId: fields.payeeAccountId ?? null,
    amountFen: fields.amountFen,
    currency: CURRENCY_CNY,
    status: fields.status,
    orderNo: fields.orderNo,
    vendorRef: null,
    description: fields.description,
    vendorData: fields.vendorData,
  });
  const event = await statusWriter.recordCreation(manager, () => manager.insert(Transaction, transaction as never), {
    platformId: fields.platformId,
    entityKind: EntityKind.TRANSACTION,
    entityId: fields.id,
    parentId: fields.parentId ?? null,
    clientId: fields.clientId,
    bizId: fields.bizId,
    fromStatus: null,
    toStatus: fields.status,
    source: EventSource.API,
    terminal: false,
    detail: fields.detail,
  });
  return { transaction, event };
}

/** An order number from our id: 32 hex characters, unique, and the same on every retry. */
export function orderNoOf(id: string): string {
  return id.replace(/-/g, '');
}

/** Applies a status change of a transaction (see transactionChange) and publishes it after commit. */
export function changeTransaction(
  statusWriter: StatusWriter,
  ref: { id: string; platformId: string },
  to: TransactionStatus,
  source: EventSource,
  detail: Record<string, unknown>,
  patch: TransitionRequest['patch'] = {},
  reported?: TransitionRequest['reported'],
): Promise<TransitionOutcome> {
  return statusWriter.change(transactionChange(ref, to, source, detail, patch, reported));
}

/**
 * A status change of a payment, refund or ledger transaction, with what the vendor told us
 * about it; `reported` when the status is the vendor's word (its amount then goes through the
 * writer's amount rule).
 */
export function transactionChange(
  ref: { id: string; platformId: string },
  to: TransactionStatus,
  source: EventSource,
  detail: Record<string, unknown>,
  patch?: TransitionRequest['patch'],
  reported?: TransitionRequest['reported'],
): TransitionRequest {
  const request = {
    kind: EntityKind.TRANSACTION as const,
    entityId: ref.id,
    platformId: ref.platformId,
    to,
    source,
    detail,
  };
  return { ...request, patch, ...(reported ? { reported } : {}) };
}
