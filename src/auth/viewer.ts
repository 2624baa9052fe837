/**
 * Who is calling. Every service method takes the viewer's scope and filters by it, so tenancy
 * does not depend on each resolver remembering to check.
 */
export type Viewer =
  | { kind: 'platform'; platformId: string; apiKeyId: string }
  | { kind: 'client'; platformId: string; clientId: string; expiresAt: Date }
  | { kind: 'anonymous' };

export type AuthenticatedViewer = Exclude<Viewer, { kind: 'anonymous' }>;

/** The rows a viewer may see: always one platform, and for a client token one client too. */
export interface Scope {
  platformId: string;
  clientId?: string;
}

export function scopeOf(viewer: AuthenticatedViewer): Scope {
  return viewer.kind === 'client'
    ? { platformId: viewer.platformId, clientId: viewer.clientId }
    : { platformId: viewer.platformId };
}

export const ANONYMOUS: Viewer = { kind: 'anonymous' };
