import { MaxLength, ValidateNested } from 'class-validator';
import {
  Arg,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { Vendor } from '../../domain/enums';
import type { ProviderConfig } from '../../entities';
import { requireScope, type RequestContext } from '../../graphql/context';
import { MutationResult } from '../../schema/results';
import { mutationResult } from '../../schema/mutation-result';
import { DateTime } from '../../schema/scalars';
import { toGlobalId } from '../../graphql/global-id';
import { Node, NODE_ID_DESCRIPTION } from '../../schema/node';
import {
  optionsOf,
  ProviderOptions,
  ProviderSettingsInput,
  settingsFieldName,
  settingsOf,
} from '../../schema/provider-settings';
import { MutationInput } from '../../schema/results';
import { Role } from '../auth-checker';

@ObjectType('ProviderConfig', {
  implements: Node,
  description: 'How your platform reaches one vendor (configureProvider sets it). Credentials are write-only.',
})
export class ProviderConfigNode extends Node {
  @Field(() => Vendor, { description: 'The vendor this configures.' }) vendor: Vendor;
  @Field({ description: 'The vendor base URL: the real service, or a paygraph sandbox.' }) baseUrl: string;
  @Field({ description: 'Whether paygraph calls this vendor for your platform; a disabled one is not configured.' })
  enabled: boolean;
  @Field(() => DateTime, { description: 'When it was last configured.' }) updatedAt: Date;
}

@InputType({
  description:
    'Creates or updates the configuration of one vendor for your platform; `settings` names the vendor and carries its keys.',
})
export class ConfigureProviderInput extends MutationInput {
  @Field({ description: 'The vendor base URL (absolute http or https): the real service, or a paygraph sandbox.' })
  @MaxLength(512)
  baseUrl: string;
  @Field(() => ProviderSettingsInput, {
    description: "The vendor's settings. Credentials you leave out keep their stored values; options are replaced.",
  })
  @ValidateNested()
  settings: ProviderSettingsInput;
  @Field(() => Boolean, {
    nullable: true,
    description: 'Turn the vendor off (false) or on again; unchanged when left out.',
  })
  enabled?: boolean;
}

@ObjectType({ implements: MutationResult, description: 'What configureProvider answers when it succeeds.' })
export class ConfigureProviderPayload extends MutationResult {
  @Field(() => ProviderConfigNode, { description: 'The configuration as stored now.' }) providerConfig: unknown;
}

export const ConfigureProviderResult = mutationResult('configureProvider', ConfigureProviderPayload, []);

@Resolver(() => ProviderConfigNode)
export class ProviderConfigResolver {
  @FieldResolver(() => [String], {
    description: 'Names of the stored credential fields; their values are never returned.',
  })
  credentialFields(@Root() row: ProviderConfig, @Ctx() context: RequestContext): string[] {
    return context.services.providerConfigs.secretFieldNames(row);
  }

  @FieldResolver(() => ID, { description: NODE_ID_DESCRIPTION })
  id(@Root() row: ProviderConfig): string {
    return toGlobalId('ProviderConfig', row.id);
  }

  @FieldResolver(() => ProviderOptions, {
    description: "The vendor's options, typed by vendor (secrets are never shown).",
  })
  options(@Root() row: ProviderConfig): typeof ProviderOptions {
    return optionsOf(row.vendor, row.options ?? {});
  }

  @Authorized(Role.PLATFORM)
  @Query(() => [ProviderConfigNode], {
    description: "Your platform's vendor configurations (configureProvider sets them). Needs an API key.",
  })
  providerConfigs(@Ctx() context: RequestContext): Promise<ProviderConfig[]> {
    return context.services.providerConfigs.list(requireScope(context));
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => ConfigureProviderResult, {
    description:
      "The first step of every flow: stores your platform's credentials for one vendor (sealed at rest; never shown again), checked against the vendor's expected fields. Then create payments, payouts or ledger transfers, and follow them with the subscriptions or the sync mutations. Configuring again updates it: the credentials you give replace the stored ones, the rest are kept. Needs an API key.",
  })
  async configureProvider(
    @Arg('input') input: ConfigureProviderInput,
    @Ctx() context: RequestContext,
  ): Promise<typeof ConfigureProviderResult> {
    const settings = settingsOf(input.settings);
    const row = await context.services.providerConfigs.configure(requireScope(context), {
      ...settings,
      baseUrl: input.baseUrl,
      enabled: input.enabled,
      fieldOf: (name) => `settings.${settings.vendor.toLowerCase()}.${settingsFieldName(name)}`,
    });
    return Object.assign(new ConfigureProviderPayload(), {
      clientMutationId: input.clientMutationId ?? null,
      providerConfig: row,
    });
  }
}
