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

@InputType()
export class ClientFilter {
  @Field(() => RecordStatus, { nullable: true }) status?: RecordStatus;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(64) externalRef?: string;
}

@InputType()
export class BizFilter {
  @Field(() => RecordStatus, { nullable: true }) status?: RecordStatus;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(64) externalRef?: string;
}

@InputType()
export class AccountFilter {
  @Field(() => ID, { nullable: true }) clientId?: string;
  @Field(() => ID, { nullable: true }) bizId?: string;
  @Field(() => ID, { nullable: true }) accountTypeId?: string;
  @Field(() => AccountTypeKind, { nullable: true }) kind?: AccountTypeKind;
}

@InputType()
export class TransactionFilter {
  @Field(() => [TransactionStatus], { nullable: true }) status?: TransactionStatus[];
  @Field(() => TransactionKind, { nullable: true }) kind?: TransactionKind;
  @Field(() => ID, { nullable: true }) clientId?: string;
  @Field(() => ID, { nullable: true }) bizId?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(64) orderNo?: string;
  @Field(() => DateTime, { nullable: true }) createdAfter?: Date;
  @Field(() => DateTime, { nullable: true }) createdBefore?: Date;
}

@InputType()
export class PayoutFilter {
  @Field(() => [PayoutStatus], { nullable: true }) status?: PayoutStatus[];
  @Field(() => ID, { nullable: true }) clientId?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(64) orderNo?: string;
}

const EXTERNAL_REF = /^[A-Za-z0-9_.:-]{1,64}$/;

@InputType({ description: 'Registers an end user of the platform.' })
export class CreateClientInput extends MutationInput {
  @Field({ description: "The platform's own id for this user (1-64 of A-Z a-z 0-9 _ . : -)." })
  @Matches(EXTERNAL_REF)
  externalRef: string;
  @Field() @Length(1, 64) name: string;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(/^\+?[0-9]{6,20}$/, { message: 'mobile must be 6 to 20 digits' })
  mobile?: string;
}

@InputType({ description: 'Registers a merchant of the platform.' })
export class CreateBizInput extends MutationInput {
  @Field() @Matches(EXTERNAL_REF) externalRef: string;
  @Field() @Length(1, 128) name: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(32) tel?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(256) address?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(256) website?: string;
}

@InputType({ description: "Issues a short-lived token for a client's own mobile app." })
export class IssueClientTokenInput extends MutationInput {
  @Field(() => ID) clientId: string;
  @Field(() => Int, { nullable: true, description: 'Lifetime in seconds; default and maximum are configured.' })
  @IsOptional()
  @Min(30)
  ttlSeconds?: number;
}

@InputType()
export class CreateApiKeyInput extends MutationInput {
  @Field() @Length(1, 128) label: string;
}

@InputType()
export class RevokeApiKeyInput extends MutationInput {
  @Field(() => ID, { description: 'The id of the key to revoke (ApiKey.id).' }) apiKeyId: string;
}
