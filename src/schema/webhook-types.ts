import { ArrayMaxSize, IsOptional, Max, MaxLength, Min } from 'class-validator';
import { Field, ID, InputType, Int, InterfaceType, ObjectType } from 'type-graphql';
import { EventType, WebhookDeliveryKind, WebhookDeliveryStatus, WebhookEndpointStatus } from '../domain/enums';
import { MAX_SECRET_GRACE_SECONDS } from '../services/webhooks/webhook-endpoints';
import { mutationResult } from './mutation-result';
import { Node } from './node';
import { StatusEventNode } from './object-types';
import { MutationInput, MutationResult } from './results';
import { DateTime } from './scalars';

@ObjectType('WebhookEndpoint', {
  implements: Node,
  description:
    'Where your server receives events, signed with the endpoint\'s secret (header Paygraph-Signature; see the README\'s "Webhooks").',
})
export class WebhookEndpointNode extends Node {
  @Field({ description: 'Where events are POSTed.' }) url: string;
  @Field(() => String, { nullable: true, description: 'Your note on what it is for.' }) description: string | null;
  @Field(() => [EventType], { description: 'The kinds of event it receives; empty means every kind.' })
  eventTypes: EventType[];
  @Field(() => WebhookEndpointStatus, { description: 'Whether events are delivered to it now.' })
  status: WebhookEndpointStatus;
  @Field(() => String, { nullable: true, description: 'Why it was last disabled.' }) disabledReason: string | null;
  @Field(() => DateTime, {
    nullable: true,
    description:
      'While a rotated-out secret still signs (both signatures are sent): until when. Null when one secret signs.',
  })
  previousSecretExpiresAt: Date | null;
  @Field(() => DateTime, { description: 'When it was made.' }) createdAt: Date;
}

@ObjectType({ description: 'One HTTP attempt of a webhook delivery.' })
export class WebhookAttemptNode {
  @Field(() => Int, { description: 'Which attempt of the delivery, from 1.' }) number: number;
  @Field(() => Int, { nullable: true, description: "Your endpoint's status code; null when no answer came." })
  statusCode: number | null;
  @Field(() => Int, { description: 'Milliseconds from sending to the answer (or to giving up).' }) latencyMs: number;
  @Field(() => String, {
    nullable: true,
    description:
      "Why it did not count as delivered (timeout, refused, a non-2xx answer); your answer's body is never kept.",
  })
  error: string | null;
  @Field(() => DateTime, {
    nullable: true,
    description: 'When the delivery is tried again after this attempt; null if not.',
  })
  nextRetryAt: Date | null;
  @Field(() => DateTime, { description: 'When the attempt was made.' }) attemptedAt: Date;
}

@ObjectType('WebhookDelivery', { implements: Node, description: 'One event sent (or being sent) to one endpoint.' })
export class WebhookDeliveryNode extends Node {
  @Field(() => WebhookDeliveryKind, { description: 'An event of the log, a redelivery, or a test event.' })
  kind: WebhookDeliveryKind;
  @Field(() => WebhookDeliveryStatus, { description: 'Whether your endpoint has taken it.' })
  status: WebhookDeliveryStatus;
  @Field(() => Int, { description: 'Attempts made so far (one may be in flight).' }) attemptCount: number;
  @Field(() => DateTime, {
    nullable: true,
    description:
      'When the next attempt is due; null when delivered, failed, or waiting behind an earlier event of its entity.',
  })
  nextAttemptAt: Date | null;
  @Field(() => DateTime, { nullable: true, description: 'When your endpoint answered 2xx.' }) deliveredAt: Date | null;
  @Field(() => DateTime, { description: 'When the delivery was made.' }) createdAt: Date;
}

@InputType({ description: 'A new endpoint: where to send, and which kinds of event.' })
export class CreateWebhookEndpointInput extends MutationInput {
  @Field({
    description:
      'An absolute https URL (http and localhost are accepted outside production). Redirects are not followed; private and loopback addresses are refused in production.',
  })
  @MaxLength(2048)
  url: string;
  @Field(() => [EventType], {
    nullable: true,
    description: 'The kinds of event to receive; every kind when left out or empty.',
  })
  @IsOptional()
  @ArrayMaxSize(16)
  eventTypes?: EventType[];
  @Field(() => String, { nullable: true, description: 'A note on what it is for.' })
  @IsOptional()
  @MaxLength(256)
  description?: string;
}

@InputType({ description: 'Changes an endpoint; what you leave out stays as it is.' })
export class UpdateWebhookEndpointInput extends MutationInput {
  @Field(() => ID, { description: 'The endpoint.' }) id: string;
  @Field(() => String, { nullable: true, description: 'A new URL (the same rules as when made).' })
  @IsOptional()
  @MaxLength(2048)
  url?: string;
  @Field(() => [EventType], {
    nullable: true,
    description: 'The kinds of event to receive from now on; empty means every kind.',
  })
  @IsOptional()
  @ArrayMaxSize(16)
  eventTypes?: EventType[];
  @Field(() => String, { nullable: true, description: 'A new note.' })
  @IsOptional()
  @MaxLength(256)
  description?: string;
}

@InputType({ description: 'Names one endpoint.' })
export class WebhookEndpointInput extends MutationInput {
  @Field(() => ID, { description: 'The endpoint.' }) id: string;
}

@InputType({ description: 'Names one endpoint to disable.' })
export class DisableWebhookEndpointInput extends WebhookEndpointInput {}

@InputType({ description: 'Names one endpoint to enable again.' })
export class EnableWebhookEndpointInput extends WebhookEndpointInput {}

@InputType({ description: 'Names one endpoint to delete.' })
export class DeleteWebhookEndpointInput extends WebhookEndpointInput {}

@InputType({ description: "Replaces an endpoint's signing secret, keeping the old one valid for a while." })
export class RotateWebhookSecretInput extends MutationInput {
  @Field(() => ID, { description: 'The endpoint.' }) id: string;
  @Field(() => Int, {
    description: `How long the old secret keeps signing, in seconds (0 to ${MAX_SECRET_GRACE_SECONDS}); meanwhile every delivery carries both signatures. 0 ends it now.`,
  })
  @Min(0)
  @Max(MAX_SECRET_GRACE_SECONDS)
  graceSeconds: number;
}

@InputType({ description: 'One event of the log to send again to one endpoint.' })
export class RedeliverWebhookEventInput extends MutationInput {
  @Field({ description: "The event's id: its cursor (a webhook's `id`, or a cursor of the events feed)." })
  @MaxLength(64)
  eventId: string;
  @Field(() => ID, { description: 'The endpoint to send it to.' }) endpointId: string;
}

@InputType({ description: 'Names the endpoint to send a test event to.' })
export class SendTestWebhookEventInput extends MutationInput {
  @Field(() => ID, { description: 'The endpoint (enabled or not).' }) endpointId: string;
}

@ObjectType({ implements: MutationResult, description: 'What createWebhookEndpoint answers when it succeeds.' })
export class CreateWebhookEndpointPayload extends MutationResult {
  @Field(() => WebhookEndpointNode, { description: 'The endpoint, enabled.' }) webhookEndpoint: unknown;
  @Field({ description: 'The signing secret. Shown this once: store it now.' }) secret: string;
}

@ObjectType({ implements: MutationResult, description: 'What rotateWebhookSecret answers when it succeeds.' })
export class RotateWebhookSecretPayload extends MutationResult {
  @Field(() => WebhookEndpointNode, { description: 'The endpoint.' }) webhookEndpoint: unknown;
  @Field({ description: 'The new signing secret. Shown this once: store it now.' }) secret: string;
}

@InterfaceType({
  implements: MutationResult,
  description: 'What the endpoint mutations answer on success: the endpoint as it is now.',
})
export class WebhookEndpointPayload extends MutationResult {
  @Field(() => WebhookEndpointNode, { description: 'The endpoint as it is now.' }) webhookEndpoint: unknown;
}

@ObjectType({ implements: MutationResult, description: 'What deleteWebhookEndpoint answers when it succeeds.' })
export class DeleteWebhookEndpointPayload extends MutationResult {
  @Field(() => ID, { description: 'The id of the endpoint deleted, with its deliveries.' })
  deletedWebhookEndpointId: string;
}

@InterfaceType({
  implements: MutationResult,
  description: 'What a one-off send answers: the delivery, after its one attempt.',
})
export class WebhookDeliveryPayload extends MutationResult {
  @Field(() => WebhookDeliveryNode, { description: 'The delivery, with its attempt.' }) delivery: unknown;
}

export const CreateWebhookEndpointResult = mutationResult('createWebhookEndpoint', CreateWebhookEndpointPayload, []);
export const UpdateWebhookEndpointResult = mutationResult('updateWebhookEndpoint', WebhookEndpointPayload, []);
export const DisableWebhookEndpointResult = mutationResult('disableWebhookEndpoint', WebhookEndpointPayload, []);
export const EnableWebhookEndpointResult = mutationResult('enableWebhookEndpoint', WebhookEndpointPayload, []);
export const DeleteWebhookEndpointResult = mutationResult('deleteWebhookEndpoint', DeleteWebhookEndpointPayload, []);
export const RotateWebhookSecretResult = mutationResult('rotateWebhookSecret', RotateWebhookSecretPayload, []);
export const RedeliverWebhookEventResult = mutationResult('redeliverWebhookEvent', WebhookDeliveryPayload, []);
export const SendTestWebhookEventResult = mutationResult('sendTestWebhookEvent', WebhookDeliveryPayload, []);

@ObjectType({ implements: StatusEventNode, description: "A webhook endpoint's status change." })
export class WebhookEndpointStatusEvent extends StatusEventNode {
  @Field(() => WebhookEndpointStatus, { nullable: true, description: 'The status before.' })
  fromStatus: WebhookEndpointStatus | null;
  @Field(() => WebhookEndpointStatus, { description: 'The status after.' }) toStatus: WebhookEndpointStatus;
}
