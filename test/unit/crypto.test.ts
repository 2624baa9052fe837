import { randomBytes } from 'node:crypto';
import { generateApiKey, parseApiKey, secretMatches } from '../../src/auth/api-key-codec';
import { decodeClientToken, encodeClientToken } from '../../src/auth/client-token-codec';
import { isId, newId } from '../../src/crypto/ids';
import { SecretBox } from '../../src/crypto/secret-box';

describe('SecretBox (AES-256-GCM at rest)', () => {
  const box = new SecretBox(randomBytes(32));

  it('round-trips and never stores the plaintext', () => {
    const sealed = box.encrypt('13800138000');
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain('13800138000');
    expect(box.decrypt(sealed)).toBe('13800138000');
    expect(box.encrypt('13800138000')).not.toBe(sealed);
  });

  it('refuses tampered ciphertext and a different key', () => {
    const sealed = box.encrypt('secret');
    const raw = Buffer.from(sealed.slice(3), 'base64');
    raw[raw.length - 1] ^= 1;
    expect(() => box.decrypt(`v1:${raw.toString('base64')}`)).toThrow();
    expect(() => new SecretBox(randomBytes(32)).decrypt(sealed)).toThrow();
  });

  it('gives a stable blind index that differs per key', () => {
    expect(box.blindIndex('13800138000')).toBe(box.blindIndex('13800138000'));
    expect(new SecretBox(randomBytes(32)).blindIndex('13800138000')).not.toBe(box.blindIndex('13800138000'));
  });

  it('rejects keys that are not 32 bytes', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});

describe('API keys', () => {
  it('parse back to their lookup id and verify only with the right secret', () => {
    const key = generateApiKey();
    const parsed = parseApiKey(key.plaintext);
    expect(parsed?.lookupId).toBe(key.lookupId);
    expect(secretMatches(parsed!.secret, key.secretHash)).toBe(true);
    // Change the last character to a different one (a fixed 'A' equals it once in 64 keys).
    const last = parsed!.secret.slice(-1);
    expect(secretMatches(`${parsed!.secret.slice(0, -1)}${last === 'A' ? 'B' : 'A'}`, key.secretHash)).toBe(false);
    expect(key.secretHash).not.toContain(parsed!.secret);
  });

  it('reject anything not shaped like a key', () => {
    expect(parseApiKey('pgk_short_x')).toBeUndefined();
    expect(parseApiKey('Bearer pgk_x')).toBeUndefined();
  });
});

describe('client tokens (HS256 JWS)', () => {
  const key = randomBytes(32);
  const claims = { platformId: 'p1', clientId: 'c1', iat: 1000, exp: 2000 };

  it('verify with the key before expiry', () => {
    const token = encodeClientToken(claims, key);
    expect(decodeClientToken(token, key, 1500)).toEqual({ ok: true, claims });
  });

  it('expire', () => {
    expect(decodeClientToken(encodeClientToken(claims, key), key, 2000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('reject another key, a changed payload and alg=none', () => {
    const token = encodeClientToken(claims, key);
    expect(decodeClientToken(token, randomBytes(32), 1500)).toEqual({ ok: false, reason: 'bad_signature' });
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ pid: 'p1', sub: 'c2', iat: 1000, exp: 2000 })).toString('base64url');
    expect(decodeClientToken(`${header}.${forged}.${signature}`, key, 1500)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    expect(decodeClientToken(`${none}.${token.split('.')[1]}.`, key, 1500)).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('UUIDv7 ids', () => {
  it('are valid and strictly increasing within one process', () => {
    const ids = Array.from({ length: 5000 }, () => newId());
    expect(ids.every(isId)).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
