import { In, LessThan } from 'typeorm';
import type { Scope } from '../../auth/viewer';
import { newId } from '../../crypto/ids';
import type { Database } from '../../db/database';
import { WebhookDeliveryKind, WebhookDeliveryStatus, WebhookEndpointStatus } from '../../domain/enums';
import type { Logger } from '../../logging/logger';
import { StatusEvent, WebhookAttempt, WebhookDelivery, type WebhookEndpoint } from '../../entities';
import { notFound } from '../../errors/app-errors';
import type { Page, PageArgs, ScopedReads } from '../tenancy/scoped-reads';
import type { DeliveryEngine } from './delivery-engine';
import { entityKeyOf, testBody } from './webhook-bodies';
import type { WebhookDispatcher } from './webhook-dispatcher';
import type { WebhookEndpoints } from './webhook-endpoints';
import { leaseSpanMs, type WebhookSettings } from './webhook-settings';

/**
 * What the API does with webhooks besides endpoints: the delivery log, a redelivery and a test
 * event. The two one-off sends answer once their single attempt is recorded.
 */
export class WebhookService {
  constructor(
    private readonly db: Database,
    private readonly reads: ScopedReads,
    readonly endpoints: WebhookEndpoints,
    readonly dispatcher: WebhookDispatcher,
    readonly engine: DeliveryEngine,
    private readonly settings: WebhookSettings,
    private readonly logger: Logger,
  ) {}

  /**
   * The owner's disable or enable. Enabling also resumes what waited meanwhile, after the
   * answer (its sends do not hold the mutation up).
   */
  async setEndpointStatus(scope: Scope, endpointId: string, to: WebhookEndpointStatus): Promise<WebhookEndpoint> {
    const endpoint = await this.endpoints.setStatus(scope, endpointId, to);
    if (to === WebhookEndpointStatus.ENABLED)
      void this.resume(endpointId).catch((error) =>
        this.logger.warn({ err: String(error), endpointId }, 'resuming webhook deliveries failed; the sweep will'),
      );
    return endpoint;
  }

  /**
   * After an endpoint is enabled: its waiting deliveries get a fresh retry window, and what
   * it missed is dispatched and sent now, in order.
   */
  private async resume(endpointId: string): Promise<void> {
    await this.db.write((manager) =>
      manager.update(
        WebhookDelivery,
        { endpointId, status: WebhookDeliveryStatus.PENDING, kind: WebhookDeliveryKind.EVENT },
        { failingSince: null },
      ),
    );
    const endpoint = await this.endpoints.findById(endpointId);
    if (endpoint) this.dispatcher.notify([endpoint.platformId]);
    await this.engine.sweepDue(100, endpointId);
  }

  /**
   * Deletes delivered and failed deliveries older than the retention, with their attempts, a
   * batch at a time; undelivered ones are kept whatever their age. Returns how many went.
   */
  async purgeFinished(batch = 500): Promise<number> {
    const cutoff = new Date(Date.now() - this.settings.retentionDays * 86_400_000);
    const old = await this.db.manager.find(WebhookDelivery, {
      where: {
        status: In([WebhookDeliveryStatus.DELIVERED, WebhookDeliveryStatus.FAILED]),
        createdAt: LessThan(cutoff),
      },
      select: { id: true },
      take: batch,
    });
    if (old.length === 0) return 0;
    const ids = old.map((row) => row.id);
    await this.db.transaction(async (manager) => {
      await manager.delete(WebhookAttempt, { deliveryId: In(ids) });
      await manager.delete(WebhookDelivery, { id: In(ids) });
    });
    return ids.length;
  }

  /** Deliveries not yet delivered, on every platform (a metric). */
  pendingCount(): Promise<number> {
    return this.db.manager.countBy(WebhookDelivery, { status: WebhookDeliveryStatus.PENDING });
  }

  /** An endpoint's deliveries, newest first. */
  async deliveries(scope: Scope, endpointId: string, args: PageArgs): Promise<Page<WebhookDelivery>> {
    await this.endpoints.get(scope, endpointId);
    return this.reads.page('WebhookDelivery', scope, args, (builder) =>
      builder.andWhere('row.endpointId = :endpointId', { endpointId }),
    );
  }

  /** The attempts of each delivery, oldest first. */
  async attemptsOf(deliveryIds: readonly string[]): Promise<Map<string, WebhookAttempt[]>> {
    const rows = deliveryIds.length
      ? await this.db.manager.find(WebhookAttempt, {
          where: { deliveryId: In([...deliveryIds]) },
          order: { number: 'ASC', createdAt: 'ASC' },
        })
      : [];
    const grouped = new Map<string, WebhookAttempt[]>(deliveryIds.map((id) => [id, []]));
    for (const row of rows) grouped.get(row.deliveryId)?.push(row);
    return grouped;
  }

  /** Sends one event of the log to an endpoint again, once, outside its entity's order. */
  async redeliver(scope: Scope, endpointId: string, sequence: number): Promise<WebhookDelivery> {
    const endpoint = await this.endpoints.get(scope, endpointId);
    const event = await this.db.manager.findOne(StatusEvent, { where: { platformId: scope.platformId, sequence } });
    if (!event) throw notFound('Event');
    const [body] = await this.dispatcher.bodiesOf(scope.platformId, [event]);
    return this.sendOnce(
      this.oneOff(newId(), endpoint.id, scope.platformId, WebhookDeliveryKind.REDELIVERY, body.body, {
        eventId: event.id,
        sequence: event.sequence,
        entityKey: entityKeyOf(event.entityKind, event.entityId),
      }),
    );
  }

  /** A test event, not in the log, to check an endpoint and its secret (enabled or not). */
  async sendTest(scope: Scope, endpointId: string): Promise<WebhookDelivery> {
    const endpoint = await this.endpoints.get(scope, endpointId);
    const id = newId();
    return this.sendOnce(
      this.oneOff(id, endpoint.id, scope.platformId, WebhookDeliveryKind.TEST, JSON.stringify(testBody(id)), {
        eventId: null,
        sequence: 0,
        entityKey: `TEST:${id}`,
      }),
    );
  }

  private oneOff(
    id: string,
    endpointId: string,
    platformId: string,
    kind: WebhookDeliveryKind,
    body: string,
    about: Pick<WebhookDelivery, 'eventId' | 'sequence' | 'entityKey'>,
  ): WebhookDelivery {
    const now = new Date();
    return Object.assign(new WebhookDelivery(), {
      id,
      endpointId,
      platformId,
      kind,
      ...about,
      dedupeKey: id,
      body,
      status: WebhookDeliveryStatus.PENDING,
      attempts: 1,
      nextAttemptAt: now,
      leaseUntil: new Date(now.getTime() + leaseSpanMs(this.settings)),
      failingSince: null,
      deliveredAt: null,
      createdAt: now,
    });
  }

  private async sendOnce(delivery: WebhookDelivery): Promise<WebhookDelivery> {
    await this.db.write((manager) => manager.insert(WebhookDelivery, delivery));
    await this.engine.attemptNow(delivery);
    return this.db.manager.findOneOrFail(WebhookDelivery, { where: { id: delivery.id } });
  }
}
