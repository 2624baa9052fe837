import {
  Arg,
  Args,
  ArgsType,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { WebhookEndpointStatus } from '../domain/enums';
import type { StatusEvent, WebhookAttempt, WebhookDelivery, WebhookEndpoint } from '../entities';
import { requireScope, type RequestContext } from '../graphql/context';
import { fromGlobalIdOf, toGlobalId } from '../graphql/global-id';
import { connectionTypes, toConnection, type ConnectionShape } from '../schema/connection';
import { NODE_ID_DESCRIPTION } from '../schema/node';
import { StatusEventNode } from '../schema/object-types';
import {
  CreateWebhookEndpointInput,
  CreateWebhookEndpointPayload,
  CreateWebhookEndpointResult,
  DeleteWebhookEndpointInput,
  DeleteWebhookEndpointPayload,
  DeleteWebhookEndpointResult,
  DisableWebhookEndpointInput,
  DisableWebhookEndpointResult,
  EnableWebhookEndpointInput,
  EnableWebhookEndpointResult,
  RedeliverWebhookEventInput,
  RedeliverWebhookEventResult,
  RotateWebhookSecretInput,
  RotateWebhookSecretPayload,
  RotateWebhookSecretResult,
  SendTestWebhookEventInput,
  SendTestWebhookEventResult,
  UpdateWebhookEndpointInput,
  UpdateWebhookEndpointResult,
  WebhookAttemptNode,
  WebhookDeliveryNode,
  WebhookDeliveryPayload,
  WebhookEndpointNode,
  WebhookEndpointPayload,
} from '../schema/webhook-types';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../services/tenancy/scoped-reads';
import { decodeEventCursor } from '../services/events/event-stream';
import { Role } from './auth-checker';

const WebhookEndpointConnection = connectionTypes(WebhookEndpointNode, 'WebhookEndpoint');
const WebhookDeliveryConnection = connectionTypes(WebhookDeliveryNode, 'WebhookDelivery');

@ArgsType()
class WebhookPageArgs {
  @Field(() => Int, { nullable: true, description: `At most ${MAX_PAGE_SIZE}; default ${DEFAULT_PAGE_SIZE}.` })
  first?: number;
  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page.' }) after?: string;
}

@ArgsType()
class WebhookDeliveriesArgs extends WebhookPageArgs {
  @Field(() => ID, { description: 'The endpoint whose deliveries to list.' }) endpointId: string;
}

const endpointIdOf = (id: string, field: string) => fromGlobalIdOf('WebhookEndpoint', id, field);

function endpointPayload(clientMutationId: string | undefined, webhookEndpoint: WebhookEndpoint) {
  return Object.assign(new WebhookEndpointPayload(), { clientMutationId: clientMutationId ?? null, webhookEndpoint });
}

function deliveryPayload(clientMutationId: string | undefined, delivery: WebhookDelivery) {
  return Object.assign(new WebhookDeliveryPayload(), { clientMutationId: clientMutationId ?? null, delivery });
}

/** Webhook endpoints and their delivery log: the platform's servers' business, so API keys only. */
@Resolver()
export class WebhookResolver {
  @Authorized(Role.PLATFORM)
  @Query(() => WebhookEndpointConnection, {
    description: "Your platform's webhook endpoints, newest first. Needs an API key.",
  })
  async webhookEndpoints(
    @Args() args: WebhookPageArgs,
    @Ctx() context: RequestContext,
  ): Promise<ConnectionShape<WebhookEndpoint>> {
    return toConnection(
      await context.services.webhooks.endpoints.list(requireScope(context), args),
      Boolean(args.after),
    );
  }

  @Authorized(Role.PLATFORM)
  @Query(() => WebhookDeliveryConnection, {
    description:
      "An endpoint's deliveries, newest first, each with its attempts (status code, latency, error, next retry). Needs an API key.",
  })
  async webhookDeliveries(
    @Args() args: WebhookDeliveriesArgs,
    @Ctx() context: RequestContext,
  ): Promise<ConnectionShape<WebhookDelivery>> {
    const endpointId = endpointIdOf(args.endpointId, 'endpointId');
    const page = await context.services.webhooks.deliveries(requireScope(context), endpointId, args);
    return toConnection(page, Boolean(args.after));
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => CreateWebhookEndpointResult, {
    description:
      'Adds a webhook endpoint: every event committed from now on that it wants is POSTed to it, signed, retried for 3 days until it answers 2xx, in order per payment, refund, transfer or payout. Answers with its signing secret, shown this once. Needs an API key.',
  })
  async createWebhookEndpoint(
    @Arg('input') input: CreateWebhookEndpointInput,
    @Ctx() context: RequestContext,
  ): Promise<typeof CreateWebhookEndpointResult> {
    const { endpoint, secret } = await context.services.webhooks.endpoints.create(requireScope(context), {
      url: input.url,
      eventTypes: input.eventTypes ?? [],
      description: input.description ?? null,
    });
    return Object.assign(new CreateWebhookEndpointPayload(), {
      clientMutationId: input.clientMutationId ?? null,
      webhookEndpoint: endpoint,
      secret,
    });
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => UpdateWebhookEndpointResult, {
    description: "Changes an endpoint's URL, event types or note; the rest stays. Needs an API key.",
  })
  async updateWebhookEndpoint(
    @Arg('input') input: UpdateWebhookEndpointInput,
    @Ctx() context: RequestContext,
  ): Promise<typeof UpdateWebhookEndpointResult> {
    const id = endpointIdOf(input.id, 'id');
    const endpoint = await context.services.webhooks.endpoints.update(requireScope(context), id, {
      url: input.url ?? undefined,
      eventTypes: input.eventTypes ?? undefined,
      description: input.description,
    });
    return endpointPayload(input.clientMutationId, endpoint);
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => DisableWebhookEndpointResult, {
    description:
      'Stops deliveries to an endpoint (an event of its own). Events keep queueing for it; enableWebhookEndpoint resumes them in order. Needs an API key.',
  })
  async disableWebhookEndpoint(
    @Arg('input') input: DisableWebhookEndpointInput,
    @Ctx() context: RequestContext,
  ): Promise<typeof DisableWebhookEndpointResult> {
    return endpointPayload(
      input.clientMutationId,
      await this.setStatus(context, input.id, WebhookEndpointStatus.DISABLED),
    );
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => EnableWebhookEndpointResult, {
    description:
      'Resumes deliveries to a disabled endpoint: everything it missed meanwhile is delivered, in order, with a fresh retry window. Needs an API key.',
  })
  async enableWebhookEndpoint(
    @Arg('input') input: EnableWebhookEndpointInput,
    @Ctx() context: RequestContext,
  ): Promise<typeof EnableWebhookEndpointResult> {
    return endpointPayload(
      input.clientMutationId,
      await this.setStatus(context, input.id, WebhookEndpointStatus.ENABLED),
    );
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => DeleteWebhookEndpointResult, {
    description: 'Deletes an endpoint with its delivery log; nothing more is sent to it. Needs an API key.',
  })
  async deleteWebhookEndpoint(
    @Arg('input') input: DeleteWebhookEndpointInput,
    @Ctx() context: RequestContext,
  ): Promise<typeof DeleteWebhookEndpointResult> {
    const id = endpointIdOf(input.id, 'id');
    await context.services.webhooks.endpoints.delete(requireScope(context), id);
    return Object.assign(new DeleteWebhookEndpointPayload(), {
      clientMutationId: input.clientMutationId ?? null,
      deletedWebhookEndpointId: input.id,
    });
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => RotateWebhookSecretResult, {
    description:
      "Replaces an endpoint's signing secret. The old one keeps signing for graceSeconds: meanwhile each delivery carries a signature by each, so your receivers can switch without refusing one. Answers with the new secret, shown this once. Needs an API key.",
  })
  async rotateWebhookSecret(
    @Arg('input') input: RotateWebhookSecretInput,
    @Ctx() context: RequestContext,
  ): Promise<typeof RotateWebhookSecretResult> {
    const id = endpointIdOf(input.id, 'id');
    const rotated = await context.services.webhooks.endpoints.rotateSecret(
      requireScope(context),
      id,
      input.graceSeconds,
    );
    return Object.assign(new RotateWebhookSecretPayload(), {
      clientMutationId: input.clientMutationId ?? null,
      webhookEndpoint: rotated.endpoint,
      secret: rotated.secret,
    });
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => RedeliverWebhookEventResult, {
    description:
      'Sends one event of the log to an endpoint again, once, now, outside its order; answers after that attempt (at most 10 s). Needs an API key.',
  })
  async redeliverWebhookEvent(
    @Arg('input') input: RedeliverWebhookEventInput,
    @Ctx() context: RequestContext,
  ): Promise<typeof RedeliverWebhookEventResult> {
    const endpointId = endpointIdOf(input.endpointId, 'endpointId');
    const sequence = decodeEventCursor(input.eventId);
    const delivery = await context.services.webhooks.redeliver(requireScope(context), endpointId, sequence);
    return deliveryPayload(input.clientMutationId, delivery);
  }

  @Authorized(Role.PLATFORM)
  @Mutation(() => SendTestWebhookEventResult, {
    description:
      'Sends a test event (type TEST, not in the log) to an endpoint, enabled or not, to check your receiver and its secret; answers after that attempt (at most 10 s). Needs an API key.',
  })
  async sendTestWebhookEvent(
    @Arg('input') input: SendTestWebhookEventInput,
    @Ctx() context: RequestContext,
  ): Promise<typeof SendTestWebhookEventResult> {
    const endpointId = endpointIdOf(input.endpointId, 'endpointId');
    const delivery = await context.services.webhooks.sendTest(requireScope(context), endpointId);
    return deliveryPayload(input.clientMutationId, delivery);
  }

  private async setStatus(
    context: RequestContext,
    globalId: string,
    to: WebhookEndpointStatus,
  ): Promise<WebhookEndpoint> {
    const id = endpointIdOf(globalId, 'id');
    return context.services.webhooks.setEndpointStatus(requireScope(context), id, to);
  }
}

@Resolver(() => WebhookEndpointNode)
export class WebhookEndpointResolver {
  @FieldResolver(() => ID, { description: NODE_ID_DESCRIPTION })
  id(@Root() endpoint: WebhookEndpoint): string {
    return toGlobalId('WebhookEndpoint', endpoint.id);
  }
}

@Resolver(() => WebhookDeliveryNode)
export class WebhookDeliveryResolver {
  @FieldResolver(() => ID, { description: NODE_ID_DESCRIPTION })
  id(@Root() delivery: WebhookDelivery): string {
    return toGlobalId('WebhookDelivery', delivery.id);
  }

  @FieldResolver(() => Int, { description: 'Attempts made so far (one may be in flight).' })
  attemptCount(@Root() delivery: WebhookDelivery): number {
    return delivery.attempts;
  }

  @FieldResolver(() => StatusEventNode, { nullable: true, description: 'The event sent; null for a test event.' })
  event(@Root() delivery: WebhookDelivery, @Ctx() context: RequestContext): Promise<StatusEvent | null> | null {
    return delivery.eventId ? context.loaders.statusEvent(delivery.eventId) : null;
  }

  @FieldResolver(() => [WebhookAttemptNode], { description: 'Every attempt, oldest first.' })
  async attempts(@Root() delivery: WebhookDelivery, @Ctx() context: RequestContext): Promise<WebhookAttemptNode[]> {
    const rows = await context.loaders.webhookAttempts(delivery.id);
    return rows.map((row: WebhookAttempt) =>
      Object.assign(new WebhookAttemptNode(), { ...row, attemptedAt: row.createdAt }),
    );
  }
}
