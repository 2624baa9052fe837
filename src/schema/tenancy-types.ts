import { Field, ObjectType } from 'type-graphql';
import { mutationResult } from './mutation-result';
import { ApiKeyNode, BizNode, ClientNode } from './object-types';
import { ErrorResult, MutationResult, ResultErrorCode } from './results';
import { DateTime } from './scalars';

/** The answers of the mutations that set up a platform: its clients, bizes, tokens and keys. */

@ObjectType({
  implements: [MutationResult, ErrorResult],
  description: 'Another client or biz of your platform already has this externalRef: nothing was created.',
})
export class DuplicateExternalRefError extends ErrorResult {
  @Field({ description: 'The externalRef already in use.' }) externalRef: string;
}

@ObjectType({
  implements: [MutationResult, ErrorResult],
  description: 'The client is forbidden, so it gets no token.',
})
export class ClientInactiveError extends ErrorResult {
  @Field(() => ClientNode, { description: 'The client, as it stands.' }) client: unknown;
}

@ObjectType({ implements: MutationResult, description: 'What createClient answers when it succeeds.' })
export class CreateClientPayload extends MutationResult {
  @Field(() => ClientNode, { description: 'The new client.' }) client: unknown;
}

@ObjectType({ implements: MutationResult, description: 'What createBiz answers when it succeeds.' })
export class CreateBizPayload extends MutationResult {
  @Field(() => BizNode, { description: 'The new biz.' }) biz: unknown;
}

@ObjectType({ implements: MutationResult, description: 'What issueClientToken answers when it succeeds.' })
export class IssueClientTokenPayload extends MutationResult {
  @Field({ description: 'Send as "Authorization: Bearer <token>", or in graphql-ws connection_init.' })
  token: string;
  @Field(() => DateTime, { description: 'When the token stops working: issue a new one before.' }) expiresAt: Date;
  @Field(() => ClientNode, { description: 'The client the token acts for.' }) client: unknown;
}

@ObjectType({ implements: MutationResult, description: 'What createApiKey answers when it succeeds.' })
export class CreateApiKeyPayload extends MutationResult {
  @Field(() => ApiKeyNode, { description: 'The new key.' }) apiKey: unknown;
  @Field({ description: 'The key itself, for the Authorization header. Shown once: only a hash is stored.' })
  secret: string;
}

@ObjectType({ implements: MutationResult, description: 'What revokeApiKey answers when it succeeds.' })
export class RevokeApiKeyPayload extends MutationResult {
  @Field(() => ApiKeyNode, { description: 'The revoked key.' }) apiKey: unknown;
}

export const CreateClientResult = mutationResult('createClient', CreateClientPayload, [DuplicateExternalRefError]);
export const CreateBizResult = mutationResult('createBiz', CreateBizPayload, [DuplicateExternalRefError]);
export const IssueClientTokenResult = mutationResult('issueClientToken', IssueClientTokenPayload, [
  ClientInactiveError,
]);
export const CreateApiKeyResult = mutationResult('createApiKey', CreateApiKeyPayload, []);
export const RevokeApiKeyResult = mutationResult('revokeApiKey', RevokeApiKeyPayload, []);

export function duplicateExternalRef(
  clientMutationId: string | undefined,
  externalRef: string,
): DuplicateExternalRefError {
  return Object.assign(new DuplicateExternalRefError(), {
    clientMutationId: clientMutationId ?? null,
    code: ResultErrorCode.DUPLICATE_EXTERNAL_REF,
    message: `externalRef "${externalRef}" is already in use on this platform`,
    externalRef,
  });
}
