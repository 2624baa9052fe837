import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys look like `pgk_<lookupId>_<secret>`. The lookup id finds the row without a scan; only
 * a SHA-256 of the 256-bit secret is stored, compared in constant time.
 */
const API_KEY_PATTERN = /^pgk_([A-Za-z0-9]{16})_([A-Za-z0-9_-]{43})$/;

export interface NewApiKey {
  plaintext: string;
  lookupId: string;
  secretHash: string;
}

export function generateApiKey(): NewApiKey {
  const lookupId = randomBytes(12).toString('base64url').replace(/[-_]/g, 'x').slice(0, 16);
  const secret = randomBytes(32).toString('base64url');
  return { plaintext: `pgk_${lookupId}_${secret}`, lookupId, secretHash: hashSecret(secret) };
}

export function parseApiKey(text: string): { lookupId: string; secret: string } | undefined {
  const match = API_KEY_PATTERN.exec(text);
  return match ? { lookupId: match[1], secret: match[2] } : undefined;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const actual = Buffer.from(hashSecret(secret), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
