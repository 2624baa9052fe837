import type { AuthenticatedViewer, Viewer } from '../auth/viewer';
import { scopeOf, type Scope } from '../auth/viewer';
import { unauthenticated } from '../errors/app-errors';
import type { Services } from '../services/services';
import { Loaders } from './loaders';

/** Everything one GraphQL operation (HTTP request or subscription) can reach. */
export interface RequestContext {
  viewer: Viewer;
  services: Services;
  /** Created per request, so batching and caching never leak between viewers. */
  loaders: Loaders;
}

export function createRequestContext(viewer: Viewer, services: Services): RequestContext {
  return { viewer, services, loaders: new Loaders(services, viewer) };
}

export function requireViewer(context: RequestContext): AuthenticatedViewer {
  if (context.viewer.kind === 'anonymous') throw unauthenticated();
  return context.viewer;
}

export function requireScope(context: RequestContext): Scope {
  return scopeOf(requireViewer(context));
}
