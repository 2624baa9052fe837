import { decodeClientToken, encodeClientToken } from '../../auth/client-token-codec';
import { ANONYMOUS, type Viewer } from '../../auth/viewer';
import type { SecretBox } from '../../crypto/secret-box';
import { unauthenticated } from '../../errors/app-errors';
import type { PlatformService } from './platform-service';

const API_KEY_PREFIX = 'pgk_';

/** Turns an Authorization header into a Viewer, and issues client tokens. */
export class AuthService {
  private readonly tokenKey: Buffer;

  constructor(
    private readonly platforms: PlatformService,
    secretBox: SecretBox,
  ) {
    this.tokenKey = secretBox.deriveKey('client-token');
  }

  /**
   * No header means anonymous (the schema then refuses everything but the public fields).
   * A header that is present but wrong is always an error: silently downgrading a bad
   * credential to anonymous hides integration bugs.
   */
  async viewerFor(authorization: string | undefined | null): Promise<Viewer> {
    if (!authorization) return ANONYMOUS;
    // Present but empty is a client's mistake, never silently anonymous (the playground strips
    // its own empty placeholder before sending).
    if (/^Bearer\s*$/i.test(authorization))
      throw unauthenticated('Authorization has no credential after "Bearer"; send "Bearer <api key or client token>"');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw unauthenticated('Authorization must be "Bearer <api key or client token>"');
    const credential = match[1];
    if (credential.startsWith(API_KEY_PREFIX)) {
      const key = await this.platforms.authenticate(credential);
      if (!key) throw unauthenticated('The API key is not valid');
      return { kind: 'platform', ...key };
    }
    const checked = decodeClientToken(credential, this.tokenKey);
    if (!checked.ok) {
      throw unauthenticated(
        checked.reason === 'expired' ? 'The client token has expired' : 'The client token is not valid',
      );
    }
    return {
      kind: 'client',
      platformId: checked.claims.platformId,
      clientId: checked.claims.clientId,
      expiresAt: new Date(checked.claims.exp * 1000),
    };
  }

  signClientToken(platformId: string, clientId: string, ttlSeconds: number): { token: string; expiresAt: Date } {
    const iat = Math.floor(Date.now() / 1000);
    const exp = iat + ttlSeconds;
    return {
      token: encodeClientToken({ platformId, clientId, iat, exp }, this.tokenKey),
      expiresAt: new Date(exp * 1000),
    };
  }
}
