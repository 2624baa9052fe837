import { createHash } from 'node:crypto';

/**
 * The emulator's own §2.2 signing, apart from the client's `providers/cashier/signing.ts`:
 * messages travel as base64 of their UTF-8 JSON, signed with lower-case hex MD5 over that
 * base64 text followed by the merchant's key.
 */
export function signedMessage(message: object, key: string): { payload: string; sign: string } {
  const payload = Buffer.from(JSON.stringify(message), 'utf8').toString('base64');
  return { payload, sign: md5Hex(payload + key) };
}

/** Whether `sign` is the MD5 of `payload` + key (hex, either case); compared over fixed-length digests. */
export function signatureHolds(payload: string, sign: string, key: string): boolean {
  if (!/^[0-9a-f]{32}$/i.test(sign)) return false;
  const expected = md5Hex(payload + key);
  let difference = 0;
  for (let i = 0; i < 32; i += 1) difference |= expected.charCodeAt(i) ^ sign.toLowerCase().charCodeAt(i);
  return difference === 0;
}

/** The JSON inside a base64 payload; throws when it is not. */
export function readPayload<T>(payload: string): T {
  return JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as T;
}

function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}
