import { Field, ObjectType } from 'type-graphql';
import { CURRENCY_CNY } from '../domain/enums';
import { SafeInt } from './scalars';

/** Formats integer fen as a yuan decimal string without ever touching floating point. */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new Error(`Amount ${fen} is not a safe integer of fen`);
  const sign = fen < 0 ? '-' : '';
  const digits = String(Math.abs(fen)).padStart(3, '0');
  return `${sign}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

@ObjectType({ description: 'An amount of money. `fen` is exact; `yuan` is the same amount for display.' })
export class Money {
  @Field(() => SafeInt, { description: 'Integer minor units (1 yuan = 100 fen).' })
  fen: number;

  @Field({ description: 'Decimal yuan with exactly two places, e.g. "12.30".' })
  yuan: string;

  @Field({ description: 'ISO 4217 currency code.' })
  currency: string;

  static of(fen: number, currency: string = CURRENCY_CNY): Money {
    return Object.assign(new Money(), { fen, yuan: fenToYuan(fen), currency });
  }
}
