import { Authorized, Ctx, FieldResolver, Query, Resolver } from 'type-graphql';
import type { Client, Platform } from '../entities';
import { requireScope, requireViewer, type RequestContext } from '../graphql/context';
import { ClientNode, PlatformNode, Viewer } from '../schema/object-types';

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
}
