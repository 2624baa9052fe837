import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Short-lived client tokens for end users' mobile apps: a compact JWS (HS256) carrying the
 * platform and client ids. Verification is synchronous HMAC, so it costs microseconds per request.
 * Only HS256 is accepted: the header's `alg` is checked, never trusted to pick the algorithm.
 */
export interface ClientTokenClaims {
  platformId: string;
  clientId: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
  iat: number;
}

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

function sign(input: string, key: Buffer): Buffer {
  return createHmac('sha256', key).update(input).digest();
}

export function encodeClientToken(claims: ClientTokenClaims, key: Buffer): string {
  const payload = Buffer.from(
    JSON.stringify({ pid: claims.platformId, sub: claims.clientId, iat: claims.iat, exp: claims.exp }),
  ).toString('base64url');
  const body = `${HEADER}.${payload}`;
  return `${body}.${sign(body, key).toString('base64url')}`;
}

export type ClientTokenCheck =
  { ok: true; claims: ClientTokenClaims } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

export function decodeClientToken(
  token: string,
  key: Buffer,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): ClientTokenCheck {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== HEADER) return { ok: false, reason: 'malformed' };
  const expected = sign(`${parts[0]}.${parts[1]}`, key);
  const actual = Buffer.from(parts[2], 'base64url');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    return { ok: false, reason: 'bad_signature' };
  }
  let payload: { pid?: unknown; sub?: unknown; iat?: unknown; exp?: unknown };
  try {
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (
    typeof payload.pid !== 'string' ||
    typeof payload.sub !== 'string' ||
    typeof payload.exp !== 'number' ||
    typeof payload.iat !== 'number'
  ) {
    return { ok: false, reason: 'malformed' };
  }
  if (payload.exp <= nowSeconds) return { ok: false, reason: 'expired' };
  return {
    ok: true,
    claims: { platformId: payload.pid, clientId: payload.sub, exp: payload.exp, iat: payload.iat },
  };
}
