import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The emulator's own implementation of the spec's 第四章 (3DES-CBC with the key's first 8 bytes
 * as IV, PKCS5, base64; HMAC-SHA256 over `data=…&mess=…&timestamp=…&key=<appkey>`), written
 * apart from the client's `providers/yunzhanghu/crypto.ts`: a mistake shared by the two would
 * otherwise pass every test.
 */
export interface DealerKeys {
  appKey: string;
  des3Key: string;
}

export type Envelope = { data: string; mess: string; timestamp: string; sign: string; sign_type: 'sha256' };

function encrypt(plain: string, keyText: string): string {
  const key = Buffer.from(keyText);
  const cipher = createCipheriv('des-ede3-cbc', key, key.subarray(0, 8));
  return Buffer.concat([cipher.update(Buffer.from(plain, 'utf8')), cipher.final()]).toString('base64');
}

function decrypt(base64: string, keyText: string): string {
  const key = Buffer.from(keyText);
  const decipher = createDecipheriv('des-ede3-cbc', key, key.subarray(0, 8));
  return Buffer.concat([decipher.update(Buffer.from(base64, 'base64')), decipher.final()]).toString('utf8');
}

function signatureOf(envelope: Pick<Envelope, 'data' | 'mess' | 'timestamp'>, appKey: string): Buffer {
  const text = ['data', 'mess', 'timestamp'].map((name) => `${name}=${envelope[name as 'data']}`).join('&');
  return createHmac('sha256', appKey).update(`${text}&key=${appKey}`).digest();
}

/** Encrypts and signs what the sandbox sends (answers, notifications); timestamps in seconds. */
export function sealForClient(payload: unknown, keys: DealerKeys, nowMs: number): Envelope {
  const data = encrypt(JSON.stringify(payload), keys.des3Key);
  const envelope = { data, mess: randomBytes(6).toString('hex'), timestamp: String(Math.floor(nowMs / 1000)) };
  return { ...envelope, sign: signatureOf(envelope, keys.appKey).toString('hex'), sign_type: 'sha256' };
}

/** Encrypts only (the `data` of an encrypted order query). */
export function encryptForClient(payload: unknown, keys: DealerKeys): string {
  return encrypt(JSON.stringify(payload), keys.des3Key);
}

/**
 * A request as the real service checks it: the signature first (1003), then decryption (1004).
 * Undefined fields are a signature error, as the service answers a request missing them.
 */
export function openFromClient(
  envelope: Partial<Record<keyof Envelope, unknown>>,
  keys: DealerKeys,
): { ok: true; payload: unknown } | { ok: false; code: '1003' | '1004' } {
  const field = (name: keyof Envelope) => (typeof envelope[name] === 'string' ? (envelope[name] as string) : '');
  const [data, mess, timestamp, sign] = [field('data'), field('mess'), field('timestamp'), field('sign')];
  if (!data || !mess || !timestamp || !/^[0-9a-fA-F]{64}$/.test(sign)) return { ok: false, code: '1003' };
  if (envelope.sign_type !== undefined && envelope.sign_type !== 'sha256') return { ok: false, code: '1003' };
  const expected = signatureOf({ data, mess, timestamp }, keys.appKey);
  if (!timingSafeEqual(expected, Buffer.from(sign, 'hex'))) return { ok: false, code: '1003' };
  try {
    return { ok: true, payload: JSON.parse(decrypt(data, keys.des3Key)) };
  } catch {
    return { ok: false, code: '1004' };
  }
}

/** Seconds (10 digits) or milliseconds (13), as the service accepts both; epoch milliseconds. */
export function requestTimeMs(timestamp: string): number | undefined {
  if (/^\d{10}$/.test(timestamp)) return Number(timestamp) * 1000;
  if (/^\d{13}$/.test(timestamp)) return Number(timestamp);
  return undefined;
}
