import { PayoutChannel } from '../../domain/enums';

/** Yuan strings with two decimals on the wire; the same exact arithmetic as the ledger's. */
export { fenToYuan, yuanToFen } from '../colourlife/money';

/** Per-payment limits (第一章): bank 0.01-5,000,000 yuan; Alipay 0.01-1,000,000; WeChat 1-200 by default, up to 4,999. */
export const CHANNEL_LIMITS_FEN: Record<PayoutChannel, { min: number; max: number }> = {
  [PayoutChannel.BANK_CARD]: { min: 1, max: 500_000_000 },
  [PayoutChannel.ALIPAY]: { min: 1, max: 100_000_000 },
  [PayoutChannel.WECHAT]: { min: 100, max: 20_000 },
};
export const WECHAT_MAX_CEILING_FEN = 499_900;

const FORBIDDEN_REMARK = /['"&|@%*()\-:#¥]/;

/** pay_remark: at most 20 characters where a Chinese character counts as 2, none of ' " & | @ % * ( ) - : # ¥. */
export function payRemarkProblem(remark: string): string | undefined {
  if (FORBIDDEN_REMARK.test(remark)) return 'pay_remark must not contain \' " & | @ % * ( ) - : # ¥';
  const width = [...remark].reduce((sum, char) => sum + (char.charCodeAt(0) > 0x7f ? 2 : 1), 0);
  if (width > 20) return 'pay_remark is at most 20 characters (a Chinese character counts as 2)';
  return undefined;
}

/** Masks for the API and files: never the whole number. */
export function maskMiddle(value: string, keepStart: number, keepEnd: number): string {
  if (value.length <= keepStart + keepEnd) return '*'.repeat(value.length);
  return `${value.slice(0, keepStart)}${'*'.repeat(value.length - keepStart - keepEnd)}${value.slice(value.length - keepEnd)}`;
}

export const maskCard = (card: string) => maskMiddle(card, 4, 4);
export const maskIdCard = (id: string) => maskMiddle(id, 4, 4);
export const maskPhone = (phone: string) => maskMiddle(phone, 3, 4);
export const maskName = (name: string) =>
  [...name].length <= 1 ? '*' : `${[...name][0]}${'*'.repeat([...name].length - 1)}`;
export const maskAccount = (account: string) =>
  account.includes('@')
    ? `${maskMiddle(account.split('@')[0], 1, 1)}@${account.split('@').slice(1).join('@')}`
    : maskMiddle(account, 3, 3);

/** A minimal RFC 4180 CSV reader (quoted fields, doubled quotes), enough for the daily files. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field);
      if (row.some((value) => value !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  row.push(field);
  if (row.some((value) => value !== '')) rows.push(row);
  return rows;
}

export function toCsv(rows: ReadonlyArray<ReadonlyArray<string>>): string {
  const escape = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  return `${rows.map((row) => row.map(escape).join(',')).join('\n')}\n`;
}

/** GB 11643 check digit of an 18-digit mainland ID number. */
export function idCardChecksumValid(id: string): boolean {
  if (!/^\d{17}[\dX]$/i.test(id)) return false;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((total, weight, index) => total + weight * Number(id[index]), 0);
  return '10X98765432'[sum % 11] === id[17].toUpperCase();
}

/** Luhn check of a bank card number. */
export function luhnValid(card: string): boolean {
  if (!/^\d{12,19}$/.test(card)) return false;
  let sum = 0;
  for (let i = 0; i < card.length; i += 1) {
    let digit = Number(card[card.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}
