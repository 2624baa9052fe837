import { Field, ID, ObjectType } from 'type-graphql';
import {
  AccountOwnerKind,
  AccountTypeKind,
  EntityKind,
  EventSource,
  FailureReason,
  PayoutChannel,
  PayoutStatus,
  RecordStatus,
  TransactionKind,
  TransactionStatus,
  Vendor,
} from '../domain/enums';
import { connectionTypes } from './connection';
import './enums';
import { Money } from './money';
import { Node } from './node';
import { DateTime, JSONObject, SafeInt } from './scalars';

/*
 * GraphQL shapes of the domain. At run time the resolvers return entity rows; fields whose
 * names match entity columns are read straight off the row and the rest (ids, money,
 * relations, decrypted personal data) are field resolvers in src/resolvers.
 */

@ObjectType('Platform', { implements: Node, description: 'A tenant: one company that integrates paygraph.' })
export class PlatformNode extends Node {
  @Field() name: string;
  @Field(() => RecordStatus) status: RecordStatus;
  @Field(() => DateTime) createdAt: Date;
}

@ObjectType('Client', { implements: Node, description: "An end user of a platform (the vendor's Client, cno)." })
export class ClientNode extends Node {
  @Field({ description: "The platform's own identifier for this user." }) externalRef: string;
  @Field() name: string;
  @Field(() => String, { nullable: true }) mobile: string | null;
  @Field(() => RecordStatus) status: RecordStatus;
  @Field(() => DateTime) createdAt: Date;
}

@ObjectType('Biz', { implements: Node, description: "A merchant of a platform (the vendor's Biz, bno)." })
export class BizNode extends Node {
  @Field() externalRef: string;
  @Field() name: string;
  @Field(() => String, { nullable: true }) tel: string | null;
  @Field(() => String, { nullable: true }) address: string | null;
  @Field(() => String, { nullable: true }) website: string | null;
  @Field(() => RecordStatus) status: RecordStatus;
  @Field(() => DateTime) createdAt: Date;
}

@ObjectType('AccountType', { implements: Node, description: 'A payment channel opened at a ledger vendor (atid).' })
export class AccountTypeNode extends Node {
  @Field(() => Vendor) vendor: Vendor;
  @Field(() => AccountTypeKind) kind: AccountTypeKind;
  @Field() name: string;
  @Field(() => String, { nullable: true }) iconUrl: string | null;
}

@ObjectType('Account', {
  implements: Node,
  description: 'An account of one account type held by a client, a biz or the platform.',
})
export class AccountNode extends Node {
  @Field(() => AccountOwnerKind) ownerKind: AccountOwnerKind;
  @Field(() => Money, { description: 'Last balance reported by the vendor.' }) balance: Money;
  @Field() canNegative: boolean;
  @Field(() => RecordStatus) status: RecordStatus;
  @Field(() => DateTime) createdAt: Date;
}

@ObjectType('StatusEvent', {
  description: 'One status change of a transaction or payout, from the append-only event log.',
})
export class StatusEventNode {
  @Field(() => SafeInt, { description: 'Gap-free, per-platform sequence number.' }) sequence: number;
  @Field(() => EntityKind) entityKind: EntityKind;
  @Field(() => ID, { description: 'Global id of the transaction or payout.' }) entityId: string;
  @Field(() => String, { nullable: true }) fromStatus: string | null;
  @Field() toStatus: string;
  @Field(() => EventSource) source: EventSource;
  @Field({ description: 'True when no further change can follow.' }) terminal: boolean;
  @Field(() => JSONObject, {
    nullable: true,
    description:
      'What the vendor said (codes, amounts) or which step ran. A step that changes nothing has fromStatus equal to toStatus.',
  })
  detail: Record<string, unknown> | null;
  @Field(() => DateTime) occurredAt: Date;
}

@ObjectType({ description: 'Why the vendor refused or failed a transaction.' })
export class TransactionFailure {
  @Field(() => FailureReason) reason: FailureReason;
  @Field({ description: "The vendor's own error code, verbatim." }) vendorCode: string;
  @Field({ description: "The vendor's message, verbatim." }) message: string;
}

@ObjectType('Transaction', { implements: Node, description: 'A ledger transfer, a collected payment, or a refund.' })
export class TransactionNode extends Node {
  @Field(() => TransactionKind) kind: TransactionKind;
  @Field(() => Vendor) vendor: Vendor;
  @Field(() => TransactionStatus) status: TransactionStatus;
  @Field(() => Money) amount: Money;
  @Field({ description: 'Our order number at the vendor.' }) orderNo: string;
  @Field(() => String, { nullable: true, description: "The vendor's own number." }) vendorRef: string | null;
  @Field(() => String, { nullable: true }) description: string | null;
  @Field(() => DateTime) createdAt: Date;
  @Field(() => DateTime) updatedAt: Date;
}

@ObjectType('Payout', { implements: Node, description: "Money paid out to a person's bank card, Alipay or WeChat." })
export class PayoutNode extends Node {
  @Field(() => PayoutChannel) channel: PayoutChannel;
  @Field(() => Vendor) vendor: Vendor;
  @Field(() => PayoutStatus) status: PayoutStatus;
  @Field(() => Money) amount: Money;
  @Field() orderNo: string;
  @Field(() => String, { nullable: true }) vendorRef: string | null;
  @Field(() => DateTime) createdAt: Date;
  @Field(() => DateTime) updatedAt: Date;
}

export const ClientConnection = connectionTypes(ClientNode, 'Client');
export const BizConnection = connectionTypes(BizNode, 'Biz');
export const AccountConnection = connectionTypes(AccountNode, 'Account');
export const TransactionConnection = connectionTypes(TransactionNode, 'Transaction');
export const PayoutConnection = connectionTypes(PayoutNode, 'Payout');

@ObjectType({ description: 'Who the credential in the Authorization header belongs to.' })
export class Viewer {
  @Field({ description: '"platform" for an API key, "client" for a client token.' }) kind: string;
  @Field(() => DateTime, { nullable: true, description: 'When a client token stops working.' })
  expiresAt: Date | null;
}
