import { Authorized, Ctx, FieldResolver, Query, Resolver } from 'type-graphql';
import type { Client, Platform } from '../entities';
import { requireScope, requireViewer, type RequestContext } from '../graphql/context';
import { ClientNode, ClientViewer, PlatformNode, PlatformViewer, Viewer, ViewerKind } from '../schema/object-types';

@Resolver()
export class ViewerResolver {
  @Authorized()
  @Query(() => Viewer, {
    description:
      'Who your credential belongs to, and what it may see: a PlatformViewer or a ClientViewer. Needs an API key or a client token.',
  })
  viewer(@Ctx() context: RequestContext): Viewer {
    const viewer = requireViewer(context);
    // platform and client are field resolvers, so `{ viewer { kind } }` costs no SQL at all.
    if (viewer.kind === 'client')
      return Object.assign(new ClientViewer(), { kind: ViewerKind.CLIENT, expiresAt: viewer.expiresAt });
    return Object.assign(new PlatformViewer(), { kind: ViewerKind.PLATFORM });
  }
}

/** The platform of the credential, read only when asked for. */
function platformOf(context: RequestContext): Promise<Platform | null> {
  return context.loaders.platformById(requireScope(context).platformId);
}

@Resolver(() => PlatformViewer)
export class PlatformViewerResolver {
  @FieldResolver(() => PlatformNode, { description: 'Your platform.' })
  platform(@Ctx() context: RequestContext): Promise<Platform | null> {
    return platformOf(context);
  }
}

@Resolver(() => ClientViewer)
export class ClientViewerResolver {
  @FieldResolver(() => PlatformNode, { description: 'The platform the end user belongs to.' })
  platform(@Ctx() context: RequestContext): Promise<Platform | null> {
    return platformOf(context);
  }

  @FieldResolver(() => ClientNode, { description: 'The end user the token acts for.' })
  client(@Ctx() context: RequestContext): Promise<Client | null> {
    return context.loaders.related('Client', requireScope(context).clientId, 'direct');
  }
}
