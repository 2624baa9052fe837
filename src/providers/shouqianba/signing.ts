import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * 二.2 签名算法: sign = MD5(body bytes + terminal key), over the exact bytes sent, carried as
 * `Authorization: <terminal_sn> <sign>`. The spec prints no case; we send lower-case hex and
 * accept either case when verifying.
 */
export function shouqianbaSign(body: string | Buffer, terminalKey: string): string {
  return createHash('md5')
    .update(Buffer.concat([Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'), Buffer.from(terminalKey, 'utf8')]))
    .digest('hex');
}

export function authorizationHeader(terminalSn: string, body: string | Buffer, terminalKey: string): string {
  return `${terminalSn} ${shouqianbaSign(body, terminalKey)}`;
}

/** Splits `Authorization: <terminal_sn> <sign>`; undefined when it is not that shape. */
export function parseAuthorization(header: string | undefined): { terminalSn: string; sign: string } | undefined {
  const match = /^(\S{1,64}) ([0-9A-Fa-f]{32})$/.exec((header ?? '').trim());
  return match ? { terminalSn: match[1], sign: match[2] } : undefined;
}

/** Constant-time check of a request's signature against the terminal's key. */
export function verifyUpaySignature(body: Buffer, sign: string, terminalKey: string): boolean {
  const expected = Buffer.from(shouqianbaSign(body, terminalKey), 'utf8');
  const given = Buffer.from(sign.toLowerCase(), 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}
