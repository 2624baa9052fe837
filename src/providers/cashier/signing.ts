import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Pure signing functions (§2.2): payload = base64(UTF-8 JSON), sign = lower-case hex
 * md5(payload + key). The signature covers the base64 text exactly as transmitted, so we
 * verify before decoding anything.
 */
export function encodePayload(message: object): string {
  return Buffer.from(JSON.stringify(message), 'utf8').toString('base64');
}

export function decodePayload<T>(payload: string): T {
  return JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as T;
}

export function signPayload(payload: string, key: string): string {
  return createHash('md5')
    .update(payload + key, 'utf8')
    .digest('hex');
}

/** Constant-time check of a received signature (case-insensitive hex). */
export function verifyPayload(payload: string, sign: string, key: string): boolean {
  if (!/^[0-9a-fA-F]{32}$/.test(sign)) return false;
  const expected = Buffer.from(signPayload(payload, key), 'hex');
  const given = Buffer.from(sign.toLowerCase(), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function seal(message: object, key: string): { payload: string; sign: string } {
  const payload = encodePayload(message);
  return { payload, sign: signPayload(payload, key) };
}
