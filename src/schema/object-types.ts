import { Field, ID, InterfaceType, ObjectType } from 'type-graphql';
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
import { describeEnum } from './describe-enum';
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
  @Field({ description: "The platform's name." }) name: string;
  @Field(() => RecordStatus, { description: 'Whether the platform may transact.' }) status: RecordStatus;
  @Field(() => DateTime, { description: 'When the platform was created.' }) createdAt: Date;
}

@ObjectType('Client', { implements: Node, description: "An end user of a platform (the vendor's Client, cno)." })
export class ClientNode extends Node {
  @Field({ description: "The platform's own identifier for this user." }) externalRef: string;
  @Field(() => String, {
    nullable: true,
    description:
      "The user's name (sealed at rest); null with an error if this row cannot be read, so one bad row never blanks a list.",
  })
  name: string;
  @Field(() => String, { nullable: true, description: "The user's mobile number (sealed at rest), if given." })
  mobile: string | null;
  @Field(() => RecordStatus, { description: 'Whether the user may transact and be given a client token.' })
  status: RecordStatus;
  @Field(() => DateTime, { description: 'When the user was created.' }) createdAt: Date;
}

@ObjectType('Biz', { implements: Node, description: "A merchant of a platform (the vendor's Biz, bno)." })
export class BizNode extends Node {
  @Field({ description: "The platform's own identifier for this merchant." }) externalRef: string;
  @Field({ description: "The merchant's name." }) name: string;
  @Field(() => String, { nullable: true, description: "The merchant's telephone number." }) tel: string | null;
  @Field(() => String, { nullable: true, description: "The merchant's address." }) address: string | null;
  @Field(() => String, { nullable: true, description: "The merchant's website." }) website: string | null;
  @Field(() => RecordStatus, { description: 'Whether the merchant may transact.' }) status: RecordStatus;
  @Field(() => DateTime, { description: 'When the merchant was created.' }) createdAt: Date;
}

@ObjectType('AccountType', { implements: Node, description: 'A payment channel opened at a ledger vendor (atid).' })
export class AccountTypeNode extends Node {
  @Field(() => Vendor, { description: 'The ledger vendor that keeps accounts of this type.' }) vendor: Vendor;
  @Field(() => AccountTypeKind, { description: 'The kind of money accounts of this type hold.' })
  kind: AccountTypeKind;
  @Field({ description: "The type's name at the ledger, for display." }) name: string;
  @Field(() => String, { nullable: true, description: "The type's icon at the ledger, for display." })
  iconUrl: string | null;
}

@ObjectType('Account', {
  implements: Node,
  description: 'An account of one account type held by a client, a biz or the platform.',
})
export class AccountNode extends Node {
  @Field(() => AccountOwnerKind, { description: 'Who owns the account.' }) ownerKind: AccountOwnerKind;
  @Field(() => Money, {
    description: 'The balance last reported by the ledger (syncLedgerAccount reads it again).',
  })
  balance: Money;
  @Field(() => DateTime, {
    nullable: true,
    description:
      'When `balance` was last read from the ledger (opening the account, syncLedgerAccount); null if never. Show it beside the balance.',
  })
  balanceUpdatedAt: Date | null;
  @Field({ description: 'Whether the ledger lets the balance go below zero.' }) canNegative: boolean;
  @Field(() => RecordStatus, { description: 'Whether the account may transact (forbidLedgerAccount stops it).' })
  status: RecordStatus;
  @Field(() => DateTime, { description: 'When the account was opened.' }) createdAt: Date;
}

const STATUS_EVENT_TYPE_OF: Record<EntityKind, string> = {
  [EntityKind.TRANSACTION]: 'TransactionStatusEvent',
  [EntityKind.PAYOUT]: 'PayoutStatusEvent',
  [EntityKind.WEBHOOK_ENDPOINT]: 'WebhookEndpointStatusEvent',
};

@InterfaceType('StatusEvent', {
  description:
    'One status change (or a step that changes nothing) of a transaction, a payout or a webhook endpoint, from the append-only event log.',
  resolveType: (event: { entityKind: EntityKind }) => STATUS_EVENT_TYPE_OF[event.entityKind],
})
export abstract class StatusEventNode {
  @Field(() => SafeInt, { description: 'Gap-free, per-platform sequence number.' }) sequence: number;
  @Field(() => EntityKind, { description: 'What it is about.' }) entityKind: EntityKind;
  @Field(() => ID, { description: 'Global id of the transaction, payout or webhook endpoint.' }) entityId: string;
  @Field({ description: 'Pass as `after` to a subscription or to the events feed to resume after this event.' })
  cursor: string;
  @Field(() => EventSource, { description: 'What caused the change.' }) source: EventSource;
  @Field({ description: 'True when no further change can follow.' }) terminal: boolean;
  @Field(() => JSONObject, {
    nullable: true,
    description:
      'What the vendor said (codes, amounts) or which step ran. A step that changes nothing has fromStatus equal to toStatus.',
  })
  detail: Record<string, unknown> | null;
  @Field(() => DateTime, { description: 'When the change was committed.' }) occurredAt: Date;
}

@ObjectType({ implements: StatusEventNode, description: "A transaction's status change." })
export class TransactionStatusEvent extends StatusEventNode {
  @Field(() => TransactionStatus, { nullable: true, description: 'The status before; null for the creation event.' })
  fromStatus: TransactionStatus | null;
  @Field(() => TransactionStatus, { description: 'The status after.' }) toStatus: TransactionStatus;
}

@ObjectType({ implements: StatusEventNode, description: "A payout's status change." })
export class PayoutStatusEvent extends StatusEventNode {
  @Field(() => PayoutStatus, { nullable: true, description: 'The status before; null for the creation event.' })
  fromStatus: PayoutStatus | null;
  @Field(() => PayoutStatus, { description: 'The status after.' }) toStatus: PayoutStatus;
}

@ObjectType({ description: 'Why the vendor refused or failed a transaction.' })
export class TransactionFailure {
  @Field(() => FailureReason, { description: 'Why, in our terms.' }) reason: FailureReason;
  @Field({ description: "The vendor's own error code, verbatim." }) vendorCode: string;
  @Field({ description: "The vendor's message, verbatim." }) message: string;
}

@ObjectType('Transaction', { implements: Node, description: 'A ledger transfer, a collected payment, or a refund.' })
export class TransactionNode extends Node {
  @Field(() => TransactionKind, { description: 'A payment, a refund or a ledger transfer.' }) kind: TransactionKind;
  @Field(() => Vendor, { description: 'The vendor that moves the money.' }) vendor: Vendor;
  @Field(() => TransactionStatus, { description: 'Where it stands; follow it with transactionUpdated.' })
  status: TransactionStatus;
  @Field(() => Money, { description: 'The amount, exact to the fen.' }) amount: Money;
  @Field({ description: 'Our order number at the vendor.' }) orderNo: string;
  @Field(() => String, { nullable: true, description: "The vendor's own number." }) vendorRef: string | null;
  @Field(() => String, { nullable: true, description: 'What it is for, as you gave it (the subject).' })
  description: string | null;
  @Field(() => DateTime, { description: 'When it was created.' }) createdAt: Date;
  @Field(() => DateTime, { description: 'When it last changed.' }) updatedAt: Date;
}

@ObjectType('Payout', { implements: Node, description: "Money paid out to a person's bank card, Alipay or WeChat." })
export class PayoutNode extends Node {
  @Field(() => PayoutChannel, { description: 'Where the money goes.' }) channel: PayoutChannel;
  @Field(() => Vendor, { description: 'The vendor that pays it.' }) vendor: Vendor;
  @Field(() => PayoutStatus, { description: 'Where it stands; follow it with payoutUpdated.' }) status: PayoutStatus;
  @Field(() => Money, { description: 'The amount paid to the payee, exact to the fen.' }) amount: Money;
  @Field({ description: 'Our order number at the vendor.' }) orderNo: string;
  @Field(() => String, { nullable: true, description: "The vendor's own number." }) vendorRef: string | null;
  @Field(() => DateTime, { description: 'When it was created.' }) createdAt: Date;
  @Field(() => DateTime, { description: 'When it last changed.' }) updatedAt: Date;
}

@ObjectType('ApiKey', {
  implements: Node,
  description: 'A key your servers authenticate with (Authorization: Bearer …). Its secret is shown once, at creation.',
})
export class ApiKeyNode extends Node {
  @Field({ description: 'What the key is for, as you named it.' }) label: string;
  @Field({ description: 'The first, non-secret part of the key, to tell keys apart.' }) prefix: string;
  @Field(() => DateTime, { description: 'When the key was created.' }) createdAt: Date;
  @Field(() => DateTime, { nullable: true, description: 'When the key was revoked; null while it works.' })
  revokedAt: Date | null;
}

export const ClientConnection = connectionTypes(ClientNode, 'Client');
export const ApiKeyConnection = connectionTypes(ApiKeyNode, 'ApiKey');
export const BizConnection = connectionTypes(BizNode, 'Biz');
export const AccountConnection = connectionTypes(AccountNode, 'Account');
export const TransactionConnection = connectionTypes(TransactionNode, 'Transaction');
export const PayoutConnection = connectionTypes(PayoutNode, 'Payout');

/** Whose credential a request carries. */
export enum ViewerKind {
  PLATFORM = 'PLATFORM',
  CLIENT = 'CLIENT',
}
describeEnum(ViewerKind, 'ViewerKind', 'Whose credential a request carries.', {
  PLATFORM: "An API key: your platform's servers, which may do everything.",
  CLIENT: 'A client token: one end user in your app, limited to their own records.',
});

@InterfaceType('Viewer', {
  description:
    'Who the credential in the Authorization header belongs to: a PlatformViewer (API key) or a ClientViewer (client token).',
  resolveType: (viewer: { kind: ViewerKind }) =>
    viewer.kind === ViewerKind.CLIENT ? 'ClientViewer' : 'PlatformViewer',
})
export abstract class Viewer {
  @Field(() => ViewerKind, { description: 'Whose credential it is; the same as the concrete type.' }) kind: ViewerKind;
  @Field(() => PlatformNode, { description: 'The platform the credential belongs to.' }) platform: unknown;
}

@ObjectType('PlatformViewer', {
  implements: Viewer,
  description: 'An API key: everything of the platform, every mutation.',
})
export class PlatformViewer extends Viewer {}

@ObjectType('ClientViewer', {
  implements: Viewer,
  description:
    'A client token: one end user, who sees only their own records and may only start, abandon and re-read their own payments and transfers.',
})
export class ClientViewer extends Viewer {
  @Field(() => ClientNode, { description: 'The end user the token acts for.' }) client: unknown;
  @Field(() => DateTime, { description: 'When the token stops working: issue a new one before then.' })
  expiresAt: Date;
}
