import { TRANSACTION_TYPES, type ChannelType, type TransactionTypeCode } from './wire-types';

export type LedgerRole = 'platform' | 'biz' | 'client';

export type MatrixVerdict =
  { allowed: true; transtype: TransactionTypeCode; exchange: boolean } | { allowed: false; reason: string };

const FANPIAO: readonly ChannelType[] = ['fanpiao', 'lfanpiao'];

/**
 * 5.3.1's table of transactions by payer and payee role, for the same or different account
 * types. The table's platform row and column contradict 1.3's definitions (it calls platform →
 * user 提现 and user → platform 充值); the definitions are explicit, so names follow them:
 * platform → biz/user is a recharge, biz/user → platform a withdrawal. Which cells are allowed
 * is the same either way.
 *
 * Same type: platform ↔ platform no; platform → biz/user recharge; biz/user → platform
 * withdraw; user → user transfer; user → biz consume; biz → user reversal; biz → biz "other"
 * (allowed, but unusual: footnote *1).
 * Different types: only biz/user ↔ biz/user, and only between national and local fanpiao
 * (footnote *2: never local ↔ local); everything involving the platform is refused.
 */
export function classify(
  payer: { role: LedgerRole; channel: ChannelType },
  payee: { role: LedgerRole; channel: ChannelType },
  sameAccountType: boolean,
): MatrixVerdict {
  if (sameAccountType) {
    if (payer.role === 'platform' && payee.role === 'platform') {
      return { allowed: false, reason: 'a platform cannot pay itself' };
    }
    if (payer.role === 'platform') return { allowed: true, transtype: TRANSACTION_TYPES.RECHARGE, exchange: false };
    if (payee.role === 'platform') return { allowed: true, transtype: TRANSACTION_TYPES.WITHDRAW, exchange: false };
    if (payer.role === 'client' && payee.role === 'client') {
      return { allowed: true, transtype: TRANSACTION_TYPES.TRANSFER, exchange: false };
    }
    if (payer.role === 'client') return { allowed: true, transtype: TRANSACTION_TYPES.CONSUME, exchange: false };
    if (payee.role === 'client') return { allowed: true, transtype: TRANSACTION_TYPES.REVERSAL, exchange: false };
    return { allowed: true, transtype: TRANSACTION_TYPES.OTHER, exchange: false };
  }
  if (payer.role === 'platform' || payee.role === 'platform') {
    return { allowed: false, reason: 'the platform does not exchange between account types' };
  }
  if (!FANPIAO.includes(payer.channel) || !FANPIAO.includes(payee.channel)) {
    return { allowed: false, reason: 'exchange happens only between fanpiao account types' };
  }
  if (payer.channel === payee.channel) {
    return { allowed: false, reason: 'exchange happens only between national and local fanpiao' };
  }
  return { allowed: true, transtype: TRANSACTION_TYPES.EXCHANGE, exchange: true };
}

/**
 * Converts an exchange amount between national and local fanpiao at `localPerNational`
 * (a ratio of integers), rounding half up to whole fen with integer arithmetic.
 */
export function convert(fen: number, from: 'fanpiao' | 'lfanpiao', rate: { local: number; national: number }): number {
  const [numerator, denominator] = from === 'fanpiao' ? [rate.local, rate.national] : [rate.national, rate.local];
  const scaled = BigInt(fen) * BigInt(numerator) * 2n + BigInt(denominator);
  return Number(scaled / (BigInt(denominator) * 2n));
}
