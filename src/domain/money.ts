import { z } from 'zod';
/**
 * Yuan with two decimals on the wire, integer fen inside. Parsing is exact string arithmetic:
 * no floating point ever touches an amount.
 */
const YUAN = /^(-?)(\d{1,13})(?:\.(\d{1,2}))?$/;

export function yuanToFen(value: unknown): number | undefined {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  if (typeof text !== 'string') return undefined;
  const match = YUAN.exec(text.trim());
  if (!match) return undefined;
  const [, sign, whole, decimals = ''] = match;
  const fen = Number(whole) * 100 + Number(decimals.padEnd(2, '0'));
  if (!Number.isSafeInteger(fen)) return undefined;
  return sign === '-' && fen !== 0 ? -fen : fen;
}

export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`not a whole number of fen: ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** For vendor schemas: a yuan amount (string or number) read into fen; one that does not read fails the parse, never 0. */
export const yuanAsFen = z.union([z.string(), z.number()]).transform((value, context) => {
  const fen = yuanToFen(value);
  if (fen === undefined) {
    context.addIssue({ code: 'custom', message: 'not an amount in yuan' });
    return z.NEVER;
  }
  return fen;
});
