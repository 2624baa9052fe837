import { Field, ObjectType } from 'type-graphql';
import { CurrencyCode } from '../domain/enums';
import { fenToYuan } from '../domain/money';

import { SafeInt } from './scalars';

@ObjectType({ description: 'An amount of money. `fen` is exact; `yuan` is the same amount for display.' })
export class Money {
  @Field(() => SafeInt, { description: 'Integer minor units (1 yuan = 100 fen).' })
  fen: number;

  @Field({ description: 'Decimal yuan with exactly two places, e.g. "12.30".' })
  yuan: string;

  @Field(() => CurrencyCode, { description: 'The currency (ISO 4217).' })
  currency: CurrencyCode;

  static of(fen: number, currency: CurrencyCode = CurrencyCode.CNY): Money {
    return Object.assign(new Money(), { fen, yuan: fenToYuan(fen), currency });
  }
}
