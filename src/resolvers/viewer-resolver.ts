import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver } from 'type-graphql';
import type { Client, Platform } from '../entities';
import { requireScope, requireViewer, type RequestContext } from '../graphql/context';
import { CreateApiKeyInput, RevokeApiKeyInput } from '../schema/inputs';
import { ClientNode, PlatformNode, Viewer } from '../schema/object-types';
import { CreateApiKeyPayload, RevokeApiKeyPayload } from '../schema/results';
import { Role } from './auth-checker';
import { badUserInput } from '../errors/app-errors';
import { isId } from '../crypto/ids';

@Resolver(() => Viewer)
export class ViewerResolver {
  @Authorized()
  @Query(() => Viewer, { description: 'Who your credential belongs to.' })
  async viewer(@Ctx() context: RequestContext): Promise<Viewer> {
    const viewer = requireViewer(context);
    // platform and client are field resolvers, so `{ viewer { kind } }` costs no SQL at all.
    return Object.assign(new Viewer(), {
      kind: viewer.kind,
      expiresAt: viewer.kind === 'client' ? viewer.expiresAt : null,
    });
  }

  @FieldResolver(() => PlatformNode, { description: 'The platform the credential belongs to.' })
  platform(@Ctx() context: RequestContext): Promise<Platform | null> {
    return context.loaders.platformById(requireScope(context).platformId);
  }

  @FieldResolver(() => ClientNode, { nullable: true, description: 'For a client token: the client it acts for.' })
  client(@Ctx() context: RequestContext): Promise<Client | null> {
    const scope = requireScope(context);
    return scope.clientId ? context.loaders.related('Client', scope.clientId, 'direct') : Promise.resolve(null);
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => CreateApiKeyPayload, { description: 'Creates another API key for your platform (e.g. to rotate).' })
  async createApiKey(
    @Arg('input') input: CreateApiKeyInput,
    @Ctx() context: RequestContext,
  ): Promise<CreateApiKeyPayload> {
    const { apiKey, row } = await context.services.platforms.createApiKey(
      requireScope(context).platformId,
      input.label,
    );
    return Object.assign(new CreateApiKeyPayload(), {
      clientMutationId: input.clientMutationId ?? null,
      apiKeyId: row.id,
      apiKey,
    });
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => RevokeApiKeyPayload, { description: 'Revokes an API key; it stops working within 30 seconds.' })
  async revokeApiKey(
    @Arg('input') input: RevokeApiKeyInput,
    @Ctx() context: RequestContext,
  ): Promise<RevokeApiKeyPayload> {
    if (!isId(input.apiKeyId)) throw badUserInput('apiKeyId is not an API key id', 'apiKeyId');
    await context.services.platforms.revokeApiKey(requireScope(context).platformId, input.apiKeyId);
    return Object.assign(new RevokeApiKeyPayload(), {
      clientMutationId: input.clientMutationId ?? null,
      apiKeyId: input.apiKeyId,
    });
  }
}
