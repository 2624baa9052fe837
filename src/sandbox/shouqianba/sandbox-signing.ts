import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The gateway's own check of 二.2, apart from the client's `providers/shouqianba/signing.ts`:
 * `Authorization: <terminal_sn> <sign>`, where sign is the MD5 of the request body's bytes
 * followed by the terminal key.
 */
export function readAuthorization(header: string | undefined): { terminalSn: string; sign: string } | undefined {
  const parts = (header ?? '').trim().split(' ');
  if (parts.length !== 2 || !parts[0] || parts[0].length > 64 || !/^[0-9a-f]{32}$/i.test(parts[1])) return undefined;
  return { terminalSn: parts[0], sign: parts[1].toLowerCase() };
}

export function bodySignatureHolds(body: Buffer, sign: string, terminalKey: string): boolean {
  const digest = createHash('md5').update(body).update(terminalKey, 'utf8').digest();
  return timingSafeEqual(digest, Buffer.from(sign, 'hex'));
}
