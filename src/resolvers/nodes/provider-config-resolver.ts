import { MaxLength } from 'class-validator';
import {
  Arg,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
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
import { DateTime, JSONObject } from '../../schema/scalars';
import { MutationInput } from '../../schema/results';
import { Role } from '../auth-checker';

@ObjectType('ProviderConfig', { description: 'How your platform reaches one vendor. Credentials are write-only.' })
export class ProviderConfigNode {
  @Field(() => Vendor) vendor: Vendor;
  @Field({ description: 'The vendor base URL: the real service, or a paygraph sandbox.' }) baseUrl: string;
  @Field(() => JSONObject) options: Record<string, unknown>;
  @Field() enabled: boolean;
  @Field(() => DateTime) updatedAt: Date;
}

@InputType({ description: 'Creates or updates the configuration of one vendor for your platform.' })
export class ConfigureProviderInput extends MutationInput {
  @Field(() => Vendor) vendor: Vendor;
  @Field() @MaxLength(512) baseUrl: string;
  @Field(() => JSONObject, {
    nullable: true,
    description:
      'Secret fields (see `credentialFields`). Omit to keep the stored ones; given fields replace stored ones.',
  })
  credentials?: Record<string, unknown>;
  @Field(() => JSONObject, { nullable: true, description: 'Replaces the stored options when given.' })
  options?: Record<string, unknown>;
  @Field(() => Boolean, { nullable: true }) enabled?: boolean;
}

@ObjectType({ implements: MutationResult })
export class ConfigureProviderPayload extends MutationResult {
  @Field(() => ProviderConfigNode) providerConfig: unknown;
}

@Resolver(() => ProviderConfigNode)
export class ProviderConfigResolver {
  @FieldResolver(() => [String], {
    description: 'Names of the stored credential fields; their values are never returned.',
  })
  credentialFields(@Root() row: ProviderConfig, @Ctx() context: RequestContext): string[] {
    return context.services.providerConfigs.secretFieldNames(row);
  }

  @FieldResolver(() => JSONObject)
  options(@Root() row: ProviderConfig): Record<string, unknown> {
    return row.options ?? {};
  }

  @Authorized(Role.PLATFORM)
  @Query(() => [ProviderConfigNode], { description: "Your platform's vendor configurations." })
  providerConfigs(@Ctx() context: RequestContext): Promise<ProviderConfig[]> {
    return context.services.providerConfigs.list(requireScope(context));
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => ConfigureProviderPayload, {
    description:
      "The first step of every flow: stores your platform's credentials for one vendor (sealed at rest; never shown again), checked against the vendor's expected fields. Then create payments, payouts or ledger transfers, and follow them with the subscriptions or the sync mutations. Configuring again updates it: the credentials you give replace the stored ones, the rest are kept. Needs an API key.",
  })
  async configureProvider(
    @Arg('input') input: ConfigureProviderInput,
    @Ctx() context: RequestContext,
  ): Promise<ConfigureProviderPayload> {
    const row = await context.services.providerConfigs.configure(requireScope(context), input);
    return Object.assign(new ConfigureProviderPayload(), {
      clientMutationId: input.clientMutationId ?? null,
      providerConfig: row,
    });
  }
}
