import { IsOptional, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { AccountTypeKind, PayoutStatus, RecordStatus, TransactionKind, TransactionStatus } from '../domain/enums';
import { MAX_PAGE_SIZE } from '../services/tenancy/scoped-reads';
import { MutationInput } from './results';
import { DateTime } from './scalars';

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `At most ${MAX_PAGE_SIZE}; default 20.` })
  @IsOptional()
  @Min(0)
  @Max(MAX_PAGE_SIZE)
  first?: number;

  @Field(() => String, { nullable: true, description: 'The `endCursor` of the previous page.' })
  @IsOptional()
  @MaxLength(200)
  after?: string;
}

const ALL_MUST_MATCH = 'all the fields given must match.';

@InputType({ description: `Which clients to list: ${ALL_MUST_MATCH}` })
export class ClientFilter {
  @Field(() => RecordStatus, { nullable: true, description: 'Only active, or only forbidden, clients.' })
  status?: RecordStatus;
  @Field(() => String, { nullable: true, description: 'Only the client with this externalRef of yours.' })
  @IsOptional()
  @MaxLength(64)
  externalRef?: string;
}

@InputType({ description: `Which merchants to list: ${ALL_MUST_MATCH}` })
export class BizFilter {
  @Field(() => RecordStatus, { nullable: true, description: 'Only active, or only forbidden, merchants.' })
  status?: RecordStatus;
  @Field(() => String, { nullable: true, description: 'Only the merchant with this externalRef of yours.' })
  @IsOptional()
  @MaxLength(64)
  externalRef?: string;
}

@InputType({ description: `Which ledger accounts to list: ${ALL_MUST_MATCH}` })
export class AccountFilter {
  @Field(() => ID, { nullable: true, description: "Only this client's accounts." }) clientId?: string;
  @Field(() => ID, { nullable: true, description: "Only this merchant's accounts." }) bizId?: string;
  @Field(() => ID, { nullable: true, description: 'Only accounts of this account type.' }) accountTypeId?: string;
  @Field(() => AccountTypeKind, { nullable: true, description: 'Only accounts of types of this kind.' })
  kind?: AccountTypeKind;
}

@InputType({ description: `Which transactions to list: ${ALL_MUST_MATCH}` })
export class TransactionFilter {
  @Field(() => [TransactionStatus], { nullable: true, description: 'Only transactions in one of these statuses.' })
  status?: TransactionStatus[];
  @Field(() => TransactionKind, { nullable: true, description: 'Only payments, refunds, or ledger transfers.' })
  kind?: TransactionKind;
  @Field(() => ID, { nullable: true, description: "Only this client's transactions." }) clientId?: string;
  @Field(() => ID, { nullable: true, description: "Only this merchant's transactions." }) bizId?: string;
  @Field(() => String, { nullable: true, description: 'Only the transaction with this order number.' })
  @IsOptional()
  @MaxLength(64)
  orderNo?: string;
  @Field(() => DateTime, { nullable: true, description: 'Only transactions created at or after this time.' })
  createdAfter?: Date;
  @Field(() => DateTime, { nullable: true, description: 'Only transactions created before this time.' })
  createdBefore?: Date;
}

@InputType({ description: `Which payouts to list: ${ALL_MUST_MATCH}` })
export class PayoutFilter {
  @Field(() => [PayoutStatus], { nullable: true, description: 'Only payouts in one of these statuses.' })
  status?: PayoutStatus[];
  @Field(() => ID, { nullable: true, description: 'Only the payouts to this client.' }) clientId?: string;
  @Field(() => String, { nullable: true, description: 'Only the payout with this order number.' })
  @IsOptional()
  @MaxLength(64)
  orderNo?: string;
}

const EXTERNAL_REF = /^[A-Za-z0-9_.:-]{1,64}$/;

@InputType({ description: 'Registers an end user of the platform.' })
export class CreateClientInput extends MutationInput {
  @Field({ description: "The platform's own id for this user (1-64 of A-Z a-z 0-9 _ . : -)." })
  @Matches(EXTERNAL_REF)
  externalRef: string;
  @Field({ description: "The user's name; sealed at rest." }) @Length(1, 64) name: string;
  @Field(() => String, {
    nullable: true,
    description: "The user's mobile number (6 to 20 digits); sealed at rest. Ledger accounts need one.",
  })
  @IsOptional()
  @Matches(/^\+?[0-9]{6,20}$/, { message: 'mobile must be 6 to 20 digits' })
  mobile?: string;
}

@InputType({ description: 'Registers a merchant of the platform.' })
export class CreateBizInput extends MutationInput {
  @Field({ description: "The platform's own id for this merchant (1-64 of A-Z a-z 0-9 _ . : -)." })
  @Matches(EXTERNAL_REF)
  externalRef: string;
  @Field({ description: "The merchant's name." }) @Length(1, 128) name: string;
  @Field(() => String, { nullable: true, description: "The merchant's telephone number." })
  @IsOptional()
  @MaxLength(32)
  tel?: string;
  @Field(() => String, { nullable: true, description: "The merchant's address." })
  @IsOptional()
  @MaxLength(256)
  address?: string;
  @Field(() => String, { nullable: true, description: "The merchant's website." })
  @IsOptional()
  @MaxLength(256)
  website?: string;
}

@InputType({ description: "Issues a short-lived token for a client's own mobile app." })
export class IssueClientTokenInput extends MutationInput {
  @Field(() => ID, { description: 'The client the token acts for.' }) clientId: string;
  @Field(() => Int, { nullable: true, description: 'Lifetime in seconds; default and maximum are configured.' })
  @IsOptional()
  @Min(30)
  ttlSeconds?: number;
}

@InputType({ description: 'A new API key for your platform.' })
export class CreateApiKeyInput extends MutationInput {
  @Field({ description: 'A name of yours to tell the key apart (where it is deployed).' })
  @Length(1, 128)
  label: string;
}

@InputType({ description: 'Which API key to revoke.' })
export class RevokeApiKeyInput extends MutationInput {
  @Field(() => ID, { description: 'The id of the key to revoke (ApiKey.id).' }) apiKeyId: string;
}
