import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { ApiKey } from '../../entities';
import { requireScope, type RequestContext } from '../../graphql/context';
import { fromGlobalIdOf, toGlobalId } from '../../graphql/global-id';
import { toConnection, type ConnectionShape } from '../../schema/connection';
import { CreateApiKeyInput, PageArgs, RevokeApiKeyInput } from '../../schema/inputs';
import { ApiKeyConnection, ApiKeyNode } from '../../schema/object-types';
import {
  CreateApiKeyPayload,
  CreateApiKeyResult,
  RevokeApiKeyPayload,
  RevokeApiKeyResult,
} from '../../schema/tenancy-types';
import { Role } from '../auth-checker';

/** Your platform's API keys: listed, created (the secret shown once) and revoked, by id. */
@Resolver(() => ApiKeyNode)
export class ApiKeyResolver {
  @FieldResolver(() => ID, {
    description: 'Globally unique and opaque: pass it to node(id:) or to revokeApiKey.',
  })
  id(@Root() key: ApiKey): string {
    return toGlobalId('ApiKey', key.id);
  }

  @FieldResolver(() => String, { description: 'The first, non-secret part of the key, to tell keys apart.' })
  prefix(@Root() key: ApiKey): string {
    return `pgk_${key.lookupId}`;
  }

  @Authorized(Role.PLATFORM)
  @Query(() => ApiKeyConnection, { description: "Your platform's API keys, newest first. Needs an API key." })
  async apiKeys(@Args() page: PageArgs, @Ctx() context: RequestContext): Promise<ConnectionShape<unknown>> {
    const result = await context.services.reads.page('ApiKey', requireScope(context), page);
    return toConnection(result, Boolean(page.after));
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => CreateApiKeyResult, {
    description:
      'Creates another API key for your platform (to rotate: create, deploy it, then revoke the old one). Its secret is in this answer only. Needs an API key.',
  })
  async createApiKey(
    @Arg('input', { description: 'A label for the key.' }) input: CreateApiKeyInput,
    @Ctx() context: RequestContext,
  ): Promise<typeof CreateApiKeyResult> {
    const { apiKey, row } = await context.services.platforms.createApiKey(
      requireScope(context).platformId,
      input.label,
    );
    return Object.assign(new CreateApiKeyPayload(), {
      clientMutationId: input.clientMutationId ?? null,
      apiKey: row,
      secret: apiKey,
    });
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => RevokeApiKeyResult, {
    description: 'Revokes an API key; every instance stops accepting it within 30 seconds. Needs an API key.',
  })
  async revokeApiKey(
    @Arg('input', { description: 'Which key.' }) input: RevokeApiKeyInput,
    @Ctx() context: RequestContext,
  ): Promise<typeof RevokeApiKeyResult> {
    const scope = requireScope(context);
    const id = fromGlobalIdOf('ApiKey', input.apiKeyId, 'apiKeyId');
    await context.services.platforms.revokeApiKey(scope.platformId, id);
    return Object.assign(new RevokeApiKeyPayload(), {
      clientMutationId: input.clientMutationId ?? null,
      apiKey: await context.services.reads.get('ApiKey', scope, id),
    });
  }
}
