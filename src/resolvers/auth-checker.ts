import type { AuthChecker } from 'type-graphql';
import { forbidden, unauthenticated } from '../errors/app-errors';
import type { RequestContext } from '../graphql/context';

/** Roles used with @Authorized: a platform's server (API key) or an end user's app (client token). */
export const Role = {
  PLATFORM: 'PLATFORM',
  CLIENT: 'CLIENT',
} as const;

/**
 * Coarse gate only: which kind of credential may call a field. Row-level tenancy is enforced
 * in the service layer (ScopedReads), so a resolver cannot widen it by mistake.
 */
export const authChecker: AuthChecker<RequestContext> = ({ context }, roles) => {
  const viewer = context.viewer;
  if (viewer.kind === 'anonymous') throw unauthenticated();
  if (roles.length === 0) return true;
  if (roles.includes(viewer.kind === 'platform' ? Role.PLATFORM : Role.CLIENT)) return true;
  throw forbidden(
    viewer.kind === 'client'
      ? 'A client token cannot perform this operation; call it from the platform server with an API key'
      : 'This operation is for client tokens only',
  );
};
