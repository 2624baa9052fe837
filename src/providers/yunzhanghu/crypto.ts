import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The Yunzhanghu protocol (第四章): `data` is 3DES-CBC with the 24-byte 3DES key, IV = its first
 * 8 bytes, PKCS5 padding, then base64; `sign` is the lower-case hex HMAC-SHA256, keyed with the
 * appkey, over `data=…&mess=…&timestamp=…&key=<appkey>`; `sign_type` is `sha256`. Pure
 * functions, tested against the spec's worked example.
 */
export interface YunzhanghuKeys {
  appKey: string;
  des3Key: string;
}

export type SignedParams = {
  data: string;
  mess: string;
  timestamp: string;
  sign: string;
  sign_type: 'sha256';
};

function des3Key(key: string): Buffer {
  const bytes = Buffer.from(key, 'utf8');
  if (bytes.length !== 24) throw new RangeError('the 3DES key must be 24 bytes');
  return bytes;
}

export function des3Encrypt(plain: string, key: string): string {
  const k = des3Key(key);
  const cipher = createCipheriv('des-ede3-cbc', k, k.subarray(0, 8));
  return Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]).toString('base64');
}

/** Throws on a wrong key, bad padding or bad base64. */
export function des3Decrypt(data: string, key: string): string {
  const k = des3Key(key);
  const decipher = createDecipheriv('des-ede3-cbc', k, k.subarray(0, 8));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
}

export function sign(data: string, mess: string, timestamp: string, appKey: string): string {
  return createHmac('sha256', appKey)
    .update(`data=${data}&mess=${mess}&timestamp=${timestamp}&key=${appKey}`)
    .digest('hex');
}

export function verifySign(
  params: Pick<SignedParams, 'data' | 'mess' | 'timestamp' | 'sign'>,
  appKey: string,
): boolean {
  const expected = Buffer.from(sign(params.data, params.mess, params.timestamp, appKey), 'utf8');
  const given = Buffer.from(String(params.sign).toLowerCase(), 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Encrypts and signs a payload; `mess` is random unless given (tests), `timestamp` in seconds unless asked for milliseconds. */
export function seal(
  payload: unknown,
  keys: YunzhanghuKeys,
  options: { nowMs?: number; mess?: string; milliseconds?: boolean } = {},
): SignedParams {
  const data = des3Encrypt(JSON.stringify(payload), keys.des3Key);
  const now = options.nowMs ?? Date.now();
  const timestamp = String(options.milliseconds ? now : Math.floor(now / 1000));
  const mess = options.mess ?? randomBytes(8).toString('hex');
  return { data, mess, timestamp, sign: sign(data, mess, timestamp, keys.appKey), sign_type: 'sha256' };
}

export type OpenResult<T> = { ok: true; payload: T } | { ok: false; code: '1003' | '1004'; reason: string };

/** Verifies the signature first, then decrypts and parses: nothing is read before it is verified. */
export function open<T>(params: Partial<SignedParams>, keys: YunzhanghuKeys): OpenResult<T> {
  if (!params.data || !params.mess || !params.timestamp || !params.sign) {
    return { ok: false, code: '1003', reason: 'missing data, mess, timestamp or sign' };
  }
  if (params.sign_type !== undefined && params.sign_type !== 'sha256')
    return { ok: false, code: '1003', reason: 'sign_type must be sha256' };
  if (!verifySign(params as SignedParams, keys.appKey)) return { ok: false, code: '1003', reason: 'bad signature' };
  try {
    return { ok: true, payload: JSON.parse(des3Decrypt(params.data, keys.des3Key)) as T };
  } catch {
    return { ok: false, code: '1004', reason: 'cannot decrypt data' };
  }
}

/** A timestamp in seconds or milliseconds, as epoch milliseconds. */
export function timestampMs(timestamp: string): number | undefined {
  if (!/^\d{9,13}$/.test(timestamp)) return undefined;
  const value = Number(timestamp);
  return timestamp.length >= 12 ? value : value * 1000;
}

/**
 * A query answer's `data` asked for with data_type encryption: the encrypted string itself, an
 * object holding it as `encry_data`, or (from a server that ignored the request) the plain
 * object. Undefined when it cannot be decrypted.
 */
export function decryptedData(data: unknown, des3Key: string): unknown {
  const cipher =
    typeof data === 'string'
      ? data
      : data && typeof data === 'object' && typeof (data as { encry_data?: unknown }).encry_data === 'string'
        ? (data as { encry_data: string }).encry_data
        : undefined;
  if (cipher === undefined) return data;
  try {
    return JSON.parse(des3Decrypt(cipher, des3Key));
  } catch {
    return undefined;
  }
}
