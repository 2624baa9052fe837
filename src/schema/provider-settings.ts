import { IsOptional, Length, MaxLength, Min, ValidateNested } from 'class-validator';
import { createUnionType, Field, InputType, ObjectType } from 'type-graphql';
import { Vendor } from '../domain/enums';
import { describeEnum } from './describe-enum';
import { OneOfInput } from './one-of';
import { SafeInt } from './scalars';

/**
 * configureProvider's settings, typed per vendor, so GraphiQL shows each vendor's keys. Field
 * names are the ones in the vendor's onboarding documents, each explained. Secrets are
 * write-only: nullable here, so that configuring again without them keeps the stored ones; the
 * first configuration needs them all. Options are returned by ProviderConfig.options.
 */

export enum YunzhanghuEndpoints {
  SPEC = 'SPEC',
  CURRENT = 'CURRENT',
}
describeEnum(YunzhanghuEndpoints, 'YunzhanghuEndpoints', "Which of Yunzhanghu's endpoint paths to call.", {
  SPEC: 'The paths of the written specification (the sandbox speaks these).',
  CURRENT: "The paths of Yunzhanghu's current service and official SDKs.",
});

export enum TimestampUnit {
  SECONDS = 'SECONDS',
  MILLISECONDS = 'MILLISECONDS',
}
describeEnum(TimestampUnit, 'TimestampUnit', 'The unit of the timestamp in signed Yunzhanghu requests.', {
  SECONDS: 'Seconds since 1970 (the specification).',
  MILLISECONDS: "Milliseconds since 1970 (some of Yunzhanghu's SDKs).",
});

const SECRET = 'Secret: stored sealed and never shown again; omit it to keep the stored one.';

@InputType({ description: 'The Colourlife ledger: your platform number and the account that gets its access tokens.' })
export class ColourlifeSettingsInput {
  @Field({ description: "Your platform's number at the ledger (pno)." }) @Length(1, 64) pno: string;
  @Field(() => String, {
    nullable: true,
    description: "Your platform's own payment account at the ledger (pano), when it has one.",
  })
  @IsOptional()
  @Length(1, 64)
  pano?: string;
  @Field(() => String, {
    nullable: true,
    description: "Where access tokens are issued, when not at `<baseUrl>/auth/token` (the ledger's auth service).",
  })
  @IsOptional()
  @MaxLength(512)
  authUrl?: string;
  @Field(() => String, { nullable: true, description: `The auth service account. ${SECRET}` })
  @IsOptional()
  @Length(1, 256)
  authAccount?: string;
  @Field(() => String, { nullable: true, description: `The auth service password. ${SECRET}` })
  @IsOptional()
  @Length(1, 256)
  authPassword?: string;
}

@InputType({ description: 'Yunzhanghu payouts: your dealer and broker, and the keys Yunzhanghu gave you.' })
export class YunzhanghuSettingsInput {
  @Field({ description: 'Your dealer id: your company at Yunzhanghu.' }) @Length(1, 64) dealerId: string;
  @Field({ description: 'The broker id: the licensed company that pays on your behalf.' })
  @Length(1, 64)
  brokerId: string;
  @Field(() => String, { nullable: true, description: `The appkey that signs requests. ${SECRET}` })
  @IsOptional()
  @Length(1, 256)
  appKey?: string;
  @Field(() => String, { nullable: true, description: `The 3DES key (24 characters) that encrypts data. ${SECRET}` })
  @IsOptional()
  @Length(24, 24)
  des3Key?: string;
  @Field(() => YunzhanghuEndpoints, { defaultValue: YunzhanghuEndpoints.SPEC, description: 'Which paths to call.' })
  endpoints: YunzhanghuEndpoints;
  @Field(() => TimestampUnit, { defaultValue: TimestampUnit.SECONDS, description: 'The unit of signed timestamps.' })
  timestampUnit: TimestampUnit;
  @Field(() => SafeInt, {
    nullable: true,
    description: 'The WeChat payout limit Yunzhanghu granted you, in fen (20000 unless you were granted more).',
  })
  @IsOptional()
  @Min(1)
  wechatMaxFen?: number;
}

@InputType({ description: 'The hosted cashier: the merchant number and signing key it gave you.' })
export class CashierSettingsInput {
  @Field({ description: 'Your merchant number at the cashier.' }) @Length(1, 64) merchantId: string;
  @Field(() => String, { nullable: true, description: `The key that signs requests and callbacks. ${SECRET}` })
  @IsOptional()
  @Length(1, 256)
  signKey?: string;
}

@InputType({ description: 'Shouqianba in-store payments: an activated terminal and its key.' })
export class ShouqianbaSettingsInput {
  @Field({ description: "The terminal's serial number (terminal_sn), from activating it." })
  @Length(1, 64)
  terminalSn: string;
  @Field(() => String, { nullable: true, description: `The terminal's key (terminal_key). ${SECRET}` })
  @IsOptional()
  @Length(1, 256)
  terminalKey?: string;
}

@OneOfInput()
@InputType({ description: 'The settings of exactly one vendor: the field you give names the vendor.' })
export class ProviderSettingsInput {
  @Field(() => ColourlifeSettingsInput, { nullable: true, description: 'The Colourlife ledger.' })
  @IsOptional()
  @ValidateNested()
  colourlife?: ColourlifeSettingsInput;
  @Field(() => YunzhanghuSettingsInput, { nullable: true, description: 'Yunzhanghu payouts.' })
  @IsOptional()
  @ValidateNested()
  yunzhanghu?: YunzhanghuSettingsInput;
  @Field(() => CashierSettingsInput, { nullable: true, description: 'The hosted cashier.' })
  @IsOptional()
  @ValidateNested()
  cashier?: CashierSettingsInput;
  @Field(() => ShouqianbaSettingsInput, { nullable: true, description: 'Shouqianba in-store payments.' })
  @IsOptional()
  @ValidateNested()
  shouqianba?: ShouqianbaSettingsInput;
}

/** The settings input's name for a stored credential or option (they differ only where typed as an enum). */
export function settingsFieldName(stored: string): string {
  return stored === 'endpointNames' ? 'endpoints' : stored;
}

/** The vendor, credentials and options a settings input stands for, as the configuration service stores them. */
export function settingsOf(settings: ProviderSettingsInput): {
  vendor: Vendor;
  credentials: Record<string, string>;
  options: Record<string, unknown>;
} {
  const given = <T extends object>(values: T) =>
    Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined && value !== null));
  if (settings.colourlife) {
    const { authAccount, authPassword, ...options } = settings.colourlife;
    return { vendor: Vendor.COLOURLIFE, credentials: given({ authAccount, authPassword }), options: given(options) };
  }
  if (settings.yunzhanghu) {
    const { appKey, des3Key, endpoints, timestampUnit, ...rest } = settings.yunzhanghu;
    const options = {
      ...rest,
      endpointNames: endpoints === YunzhanghuEndpoints.CURRENT ? 'current' : 'spec',
      timestampUnit: timestampUnit === TimestampUnit.MILLISECONDS ? 'ms' : 's',
    };
    return { vendor: Vendor.YUNZHANGHU, credentials: given({ appKey, des3Key }), options: given(options) };
  }
  if (settings.cashier) {
    const { signKey, ...options } = settings.cashier;
    return { vendor: Vendor.CASHIER, credentials: given({ signKey }), options: given(options) };
  }
  if (settings.shouqianba) {
    const { terminalKey, ...options } = settings.shouqianba;
    return { vendor: Vendor.SHOUQIANBA, credentials: given({ terminalKey }), options: given(options) };
  }
  // @oneOf lets exactly one through; an empty object is refused by GraphQL before this.
  throw new Error('no vendor settings');
}

@ObjectType({ description: "The Colourlife ledger's options (its secrets are never shown)." })
export class ColourlifeOptions {
  @Field({ description: "Your platform's number at the ledger (pno)." }) pno: string;
  @Field(() => String, { nullable: true, description: "Your platform's own payment account (pano)." })
  pano: string | null;
  @Field(() => String, { nullable: true, description: 'Where access tokens are issued, when set.' })
  authUrl: string | null;
}

@ObjectType({ description: "Yunzhanghu's options (its keys are never shown)." })
export class YunzhanghuOptions {
  @Field({ description: 'Your dealer id.' }) dealerId: string;
  @Field({ description: 'The broker id.' }) brokerId: string;
  @Field(() => YunzhanghuEndpoints, { description: 'Which paths are called.' }) endpoints: YunzhanghuEndpoints;
  @Field(() => TimestampUnit, { description: 'The unit of signed timestamps.' }) timestampUnit: TimestampUnit;
  @Field(() => SafeInt, { nullable: true, description: 'The granted WeChat payout limit in fen, when set.' })
  wechatMaxFen: number | null;
}

@ObjectType({ description: "The hosted cashier's options (its key is never shown)." })
export class CashierOptions {
  @Field({ description: 'Your merchant number.' }) merchantId: string;
}

@ObjectType({ description: "Shouqianba's options (the terminal key is never shown)." })
export class ShouqianbaOptions {
  @Field({ description: "The terminal's serial number." }) terminalSn: string;
}

export const ProviderOptions = createUnionType({
  name: 'ProviderOptions',
  description: "One vendor's options, typed by vendor. More vendors may be added: handle an unknown __typename.",
  types: () => [ColourlifeOptions, YunzhanghuOptions, CashierOptions, ShouqianbaOptions] as const,
});

/** The stored options of a vendor's configuration, as its typed output. */
export function optionsOf(vendor: Vendor, options: Record<string, unknown>): typeof ProviderOptions {
  const text = (key: string) => (typeof options[key] === 'string' ? (options[key] as string) : null);
  switch (vendor) {
    case Vendor.COLOURLIFE:
      return Object.assign(new ColourlifeOptions(), {
        pno: text('pno') ?? '',
        pano: text('pano'),
        authUrl: text('authUrl'),
      });
    case Vendor.YUNZHANGHU:
      return Object.assign(new YunzhanghuOptions(), {
        dealerId: text('dealerId') ?? '',
        brokerId: text('brokerId') ?? '',
        endpoints: text('endpointNames') === 'current' ? YunzhanghuEndpoints.CURRENT : YunzhanghuEndpoints.SPEC,
        timestampUnit: text('timestampUnit') === 'ms' ? TimestampUnit.MILLISECONDS : TimestampUnit.SECONDS,
        wechatMaxFen: options.wechatMaxFen === undefined ? null : Number(options.wechatMaxFen),
      });
    case Vendor.CASHIER:
      return Object.assign(new CashierOptions(), { merchantId: text('merchantId') ?? '' });
    case Vendor.SHOUQIANBA:
      return Object.assign(new ShouqianbaOptions(), { terminalSn: text('terminalSn') ?? '' });
  }
}
