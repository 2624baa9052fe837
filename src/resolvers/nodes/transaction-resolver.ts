import { Arg, ID, Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { EntityKind, TransactionKind, TransactionStatus, Vendor } from '../../domain/enums';
import { encodeEventCursor } from '../../services/events/event-stream';
import { refundableFen } from '../../services/refunds/refund-service';
import { Checkout } from '../../schema/payment-types';
import type { SelectQueryBuilder } from 'typeorm';
import type { Account, Biz, Client, StatusEvent, Transaction } from '../../entities';
import { requireScope, type RequestContext } from '../../graphql/context';
import { fromGlobalIdOf, toGlobalId } from '../../graphql/global-id';
import { toConnection, type ConnectionShape } from '../../schema/connection';
import { PageArgs, TransactionFilter } from '../../schema/inputs';
import { Money } from '../../schema/money';
import { WalletPaymentParameters, walletPaymentParameters } from '../../schema/ledger-types';
import { LedgerTransferKind } from '../../domain/enums';
import { shownTransactionData, vendorDataOf } from '../../services/vendor-data';
import { NODE_ID_DESCRIPTION } from '../../schema/node';
import {
  AccountNode,
  BizNode,
  ClientNode,
  TransactionStatusEvent,
  TransactionConnection,
  TransactionFailure,
  TransactionNode,
} from '../../schema/object-types';

@Resolver(() => TransactionNode)
export class TransactionResolver {
  @FieldResolver(() => ID, {
    description: NODE_ID_DESCRIPTION,
  })
  id(@Root() transaction: Transaction): string {
    return toGlobalId('Transaction', transaction.id);
  }

  @FieldResolver(() => Money)
  amount(@Root() transaction: Transaction): Money {
    return Money.of(transaction.amountFen, transaction.currency);
  }

  @FieldResolver(() => ClientNode, { nullable: true, description: 'The client it belongs to, if any.' })
  client(@Root() transaction: Transaction, @Ctx() context: RequestContext): Promise<Client | null> {
    return context.loaders.related('Client', transaction.clientId);
  }

  @FieldResolver(() => BizNode, { nullable: true, description: 'The merchant on the other side, if any.' })
  biz(@Root() transaction: Transaction, @Ctx() context: RequestContext): Promise<Biz | null> {
    return context.loaders.related('Biz', transaction.bizId);
  }

  @FieldResolver(() => AccountNode, { nullable: true, description: 'Null when not visible to a client token.' })
  payerAccount(@Root() transaction: Transaction, @Ctx() context: RequestContext): Promise<Account | null> {
    return context.loaders.related('Account', transaction.payerAccountId);
  }

  @FieldResolver(() => AccountNode, { nullable: true, description: 'Null when not visible to a client token.' })
  payeeAccount(@Root() transaction: Transaction, @Ctx() context: RequestContext): Promise<Account | null> {
    return context.loaders.related('Account', transaction.payeeAccountId);
  }

  @FieldResolver(() => TransactionNode, { nullable: true, description: 'For a refund, the payment it refunds.' })
  parent(@Root() transaction: Transaction, @Ctx() context: RequestContext): Promise<Transaction | null> {
    return context.loaders.related('Transaction', transaction.parentId);
  }

  @FieldResolver(() => [TransactionNode], { description: 'Refunds of this payment, oldest first.' })
  refunds(@Root() transaction: Transaction, @Ctx() context: RequestContext): Promise<Transaction[]> {
    return context.loaders.refunds(transaction.id);
  }

  @FieldResolver(() => Money, {
    nullable: true,
    description: 'For a payment: what its SUCCEEDED refunds have returned so far.',
  })
  async refundedAmount(@Root() transaction: Transaction, @Ctx() context: RequestContext): Promise<Money | null> {
    if (transaction.kind !== TransactionKind.PAYMENT) return null;
    const refunds = await context.loaders.refunds(transaction.id);
    const fen = refunds
      .filter((refund) => refund.status === TransactionStatus.SUCCEEDED)
      .reduce((sum, refund) => sum + refund.amountFen, 0);
    return Money.of(fen, transaction.currency);
  }

  @FieldResolver(() => Money, {
    nullable: true,
    description:
      'For a payment: what refundPayment would still accept (refunds not yet settled count against it); 0 unless the payment SUCCEEDED and its vendor takes refunds. Null for other transactions.',
  })
  async refundableAmount(@Root() transaction: Transaction, @Ctx() context: RequestContext): Promise<Money | null> {
    if (transaction.kind !== TransactionKind.PAYMENT) return null;
    const refundable =
      transaction.status === TransactionStatus.SUCCEEDED && transaction.vendor === Vendor.SHOUQIANBA
        ? refundableFen(transaction, await context.loaders.refunds(transaction.id))
        : 0;
    return Money.of(refundable, transaction.currency);
  }

  @FieldResolver(() => Checkout, {
    nullable: true,
    description:
      'For a hosted-checkout payment the payer has not finished: where to send the payer (the same signed page createPayment answered). Null otherwise.',
  })
  checkout(@Root() transaction: Transaction, @Ctx() context: RequestContext): Promise<Checkout | null> {
    return context.services.payments.openCheckout(transaction);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      "The cursor of this transaction's latest status event: subscribe to transactionUpdated with `after` set to it to hear every later change, with no gap and no race.",
  })
  async lastEventCursor(@Root() transaction: Transaction, @Ctx() context: RequestContext): Promise<string | null> {
    const history = await context.loaders.statusHistory(EntityKind.TRANSACTION, transaction.id);
    const last = history.at(-1);
    return last ? encodeEventCursor(last.sequence) : null;
  }

  @FieldResolver(() => TransactionFailure, { nullable: true, description: 'Why the vendor refused or failed it.' })
  failure(@Root() transaction: Transaction): TransactionFailure | null {
    const failure = vendorDataOf(transaction, shownTransactionData).failure;
    return failure ?? null;
  }

  @FieldResolver(() => WalletPaymentParameters, {
    nullable: true,
    description:
      "Ledger prepays paid from outside the ledger (externalPayer): what the payer's app passes to its wallet's SDK. Null for every other transaction.",
  })
  walletPayment(@Root() transaction: Transaction): typeof WalletPaymentParameters | null {
    const payment = vendorDataOf(transaction, shownTransactionData).walletPayment;
    return payment ? walletPaymentParameters(payment) : null;
  }

  @FieldResolver(() => LedgerTransferKind, {
    nullable: true,
    description: 'Ledger transactions: the kind the ledger recorded.',
  })
  ledgerKind(@Root() transaction: Transaction): LedgerTransferKind | null {
    return vendorDataOf(transaction, shownTransactionData).transferKind ?? null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'QR_CODE payments: the content to show as a QR code.' })
  qrCode(@Root() transaction: Transaction): string | null {
    return vendorDataOf(transaction, shownTransactionData).qrCode ?? null;
  }

  @FieldResolver(() => [TransactionStatusEvent], {
    description: 'Every status change and vendor step, oldest first.',
  })
  statusHistory(@Root() transaction: Transaction, @Ctx() context: RequestContext): Promise<StatusEvent[]> {
    return context.loaders.statusHistory(EntityKind.TRANSACTION, transaction.id);
  }

  @Authorized()
  @Query(() => TransactionConnection, {
    description:
      'Payments, refunds and ledger transfers visible to you, newest first. Needs an API key or a client token (which sees only its own).',
  })
  async transactions(
    @Args() page: PageArgs,
    @Arg('filter', () => TransactionFilter, { nullable: true, description: 'Only the transactions that match.' })
    filter: TransactionFilter | undefined,
    @Ctx() context: RequestContext,
  ): Promise<ConnectionShape<unknown>> {
    const result = await context.services.reads.page(
      'Transaction',
      requireScope(context),
      page,
      transactionFilter(filter),
    );
    return toConnection(result, Boolean(page.after));
  }
}

/**
 * The WHERE of a TransactionFilter, for the root `transactions` and `Client.transactions` alike;
 * `ownerId` narrows it to one client.
 */
export function transactionFilter(filter: TransactionFilter | undefined, ownerId?: string) {
  const clientId = filter?.clientId ? fromGlobalIdOf('Client', filter.clientId, 'filter.clientId') : undefined;
  const bizId = filter?.bizId ? fromGlobalIdOf('Biz', filter.bizId, 'filter.bizId') : undefined;
  return (builder: SelectQueryBuilder<Transaction>): void => {
    if (ownerId) builder.andWhere('row.clientId = :ownerId', { ownerId });
    if (filter?.status?.length) builder.andWhere('row.status IN (:...statuses)', { statuses: filter.status });
    if (filter?.kind) builder.andWhere('row.kind = :kind', { kind: filter.kind });
    if (clientId) builder.andWhere('row.clientId = :filterClientId', { filterClientId: clientId });
    if (bizId) builder.andWhere('row.bizId = :filterBizId', { filterBizId: bizId });
    if (filter?.orderNo) builder.andWhere('row.orderNo = :orderNo', { orderNo: filter.orderNo });
    if (filter?.createdAfter) builder.andWhere('row.createdAt >= :createdAfter', { createdAfter: filter.createdAfter });
    if (filter?.createdBefore)
      builder.andWhere('row.createdAt < :createdBefore', { createdBefore: filter.createdBefore });
  };
}
