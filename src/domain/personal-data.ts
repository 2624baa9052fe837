/**
 * Mainland Chinese personal data as the API takes and shows it: the formats of ID and bank card
 * numbers, and the masks that are all the API, the logs and the files ever show of them.
 */

/** GB 11643 check digit of an 18-digit mainland ID number. */
export function idCardChecksumValid(id: string): boolean {
  if (!/^\d{17}[\dX]$/i.test(id)) return false;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((total, weight, index) => total + weight * Number(id[index]), 0);
  return '10X98765432'[sum % 11] === id[17].toUpperCase();
}

/**
 * A bank card number's format: digits, 12 to 19 of them. No checksum: the spec asks for none and
 * leaves the card to the vendor (2006 银行卡号错误), and not every card issued in China passes
 * Luhn (the spec's own example 6228880199872220 does not).
 */
export function bankCardFormatProblem(card: string): string | undefined {
  return /^\d{12,19}$/.test(card) ? undefined : 'must be 12 to 19 digits';
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
