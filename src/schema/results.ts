import { IsOptional, MaxLength } from 'class-validator';
import type { VendorErrorKind } from '../services/payments/vendor-refusal';
import { Field, InterfaceType, ObjectType, InputType } from 'type-graphql';
import { Vendor } from '../domain/enums';
import { TransactionFailure } from './object-types';
import { describeEnum } from './describe-enum';

/**
 * Expected business failures a client must branch on are typed members of each mutation's
 * result union; only unexpected failures (bad input, auth, outages) are GraphQL errors.
 */
export enum ResultErrorCode {
  /** The input was refused before anything was done (InvalidInputError). */
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  DUPLICATE_EXTERNAL_REF = 'DUPLICATE_EXTERNAL_REF',
  CLIENT_INACTIVE = 'CLIENT_INACTIVE',
  PROVIDER_NOT_CONFIGURED = 'PROVIDER_NOT_CONFIGURED',
  /** The vendor could not be reached; nothing was sent. */
  VENDOR_UNREACHABLE = 'VENDOR_UNREACHABLE',
  /** The vendor did not answer in time, or its answer could not be verified. */
  OUTCOME_UNKNOWN = 'OUTCOME_UNKNOWN',
  /** The vendor answered with an error of its own. */
  VENDOR_REFUSED = 'VENDOR_REFUSED',
  REFUND_NOT_POSSIBLE = 'REFUND_NOT_POSSIBLE',
  CANCEL_NOT_POSSIBLE = 'CANCEL_NOT_POSSIBLE',
  /** The ledger's matrix of roles and account types does not allow this transfer. */
  TRANSFER_NOT_ALLOWED = 'TRANSFER_NOT_ALLOWED',
}
describeEnum(
  ResultErrorCode,
  'ResultErrorCode',
  'The `code` of a typed error result. More may be added: handle an unknown value.',
  {
    BAD_USER_INPUT: 'The input was refused before anything was done; `fields` says which and why.',
    DUPLICATE_EXTERNAL_REF: 'Another record of your platform already has this externalRef.',
    CLIENT_INACTIVE: 'The client is forbidden and cannot be given a token.',
    PROVIDER_NOT_CONFIGURED: 'Your platform has no configuration for the vendor this needs: run configureProvider.',
    VENDOR_UNREACHABLE: 'The vendor could not be reached; nothing was sent. Safe to retry.',
    OUTCOME_UNKNOWN:
      'The vendor did not answer in time, or its answer could not be verified; paygraph keeps asking it.',
    VENDOR_REFUSED: 'The vendor answered with an error of its own; `failure` says why.',
    REFUND_NOT_POSSIBLE: 'The payment cannot be refunded (see the reason).',
    CANCEL_NOT_POSSIBLE: 'The payment cannot be canceled (see the reason).',
    TRANSFER_NOT_ALLOWED: "The ledger's rules do not allow a transfer between these accounts.",
  },
);

/** How a service's vendor refusal is reported in a typed result. */
export const VENDOR_ERROR_CODES: Readonly<Record<VendorErrorKind, ResultErrorCode>> = {
  VENDOR_REFUSED: ResultErrorCode.VENDOR_REFUSED,
  VENDOR_UNREACHABLE: ResultErrorCode.VENDOR_UNREACHABLE,
  OUTCOME_UNKNOWN: ResultErrorCode.OUTCOME_UNKNOWN,
  PROVIDER_NOT_CONFIGURED: ResultErrorCode.PROVIDER_NOT_CONFIGURED,
};

/** What every mutation input's clientMutationId says. */
export const CLIENT_MUTATION_ID =
  'Any string of yours (at most 64 characters), echoed back in the answer to match it to this request.';

/** What every mutation's input carries: the clientMutationId its answer echoes. */
@InputType()
export abstract class MutationInput {
  @Field(() => String, { nullable: true, description: CLIENT_MUTATION_ID })
  @IsOptional()
  @MaxLength(64)
  clientMutationId?: string;
}

@InterfaceType({ description: 'Every mutation result echoes the clientMutationId it was given.' })
export abstract class MutationResult {
  @Field(() => String, { nullable: true, description: 'The clientMutationId of the input, as given.' })
  clientMutationId: string | null;
}

@InterfaceType({ implements: MutationResult, description: 'An expected business failure.' })
export abstract class ErrorResult extends MutationResult {
  @Field(() => ResultErrorCode, { description: 'What went wrong, to branch on.' }) code: ResultErrorCode;
  @Field({ description: 'What went wrong, for a person: never shown to end users as is.' }) message: string;
}

@ObjectType({
  implements: [MutationResult, ErrorResult],
  description: 'Your platform has no configuration for the vendor this needs: run configureProvider first.',
})
export class ProviderNotConfiguredError extends ErrorResult {
  @Field(() => Vendor, { description: 'The vendor to configure.' }) vendor: Vendor;
}

export function providerNotConfigured(clientMutationId: string | null | undefined, vendor: Vendor) {
  return Object.assign(new ProviderNotConfiguredError(), {
    clientMutationId: clientMutationId ?? null,
    code: ResultErrorCode.PROVIDER_NOT_CONFIGURED,
    message: `Configure ${vendor} with configureProvider first`,
    vendor,
  });
}

@ObjectType({
  implements: [MutationResult, ErrorResult],
  description: 'The vendor refused, could not be reached, or gave no answer to trust; `code` says which.',
})
export class VendorRefusedError extends ErrorResult {
  @Field(() => TransactionFailure, { nullable: true, description: 'Why, when the vendor said so.' })
  failure: TransactionFailure | null;
}
