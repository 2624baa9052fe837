import { In, IsNull, type EntityManager } from 'typeorm';
import { newId } from '../../crypto/ids';
import { insertRows } from '../../db/bulk-sql';
import type { Database } from '../../db/database';
import { EventSource, WebhookDeliveryKind, WebhookDeliveryStatus, WebhookEndpointStatus } from '../../domain/enums';
import { WebhookAttempt, WebhookDelivery } from '../../entities';
import type { JobQueue } from '../../jobs/job-queue';
import type { Logger } from '../../logging/logger';
import { backoffMs } from '../../util/backoff';
import { GroupCommit } from '../../util/group-commit';
import type { WebhookAnswer } from '../../webhooks/webhook-sender';
import type { ClaimedDelivery } from './delivery-engine';
import type { WebhookEndpoints } from './webhook-endpoints';
import { leaseSpanMs, type WebhookSettings } from './webhook-settings';

/** The job that makes a failed delivery's next attempt. */
export const WEBHOOK_RETRY_JOB = 'webhook-retry';

/** How long attempts wait to be recorded together. */
const RECORD_LINGER_MS = 5;

export interface Outcome {
  delivery: ClaimedDelivery;
  answer: WebhookAnswer;
  at: Date;
}

/** What the record of one attempt decided, beyond the row: a retry to schedule, a window spent. */
interface Decision {
  outcome: Outcome;
  nextAttemptAt: Date | null;
  gaveUp: boolean;
}

/**
 * Records attempts and decides what follows each: delivered (and the entity's next event at
 * the endpoint handed to the caller), retried by a job with backoff, or, once the retry window
 * is spent, the endpoint disabled. Attempts of one endpoint are written in group commits:
 * recording is after the delivery, off its latency, so a short linger lets one commit carry
 * many (each commit is a sync to disk on embedded SQLite).
 */
export class DeliveryRecorder {
  private readonly writer: GroupCommit<Outcome, ClaimedDelivery | null>;

  constructor(
    private readonly db: Database,
    private readonly endpoints: WebhookEndpoints,
    private readonly jobs: JobQueue,
    private readonly settings: WebhookSettings,
    private readonly logger: Logger,
    private readonly onDisabled: (endpointId: string) => void,
  ) {
    this.writer = new GroupCommit((endpointId, outcomes) => this.recordBatch(endpointId, outcomes), {
      lingerMs: RECORD_LINGER_MS,
    });
  }

  /** Records one attempt; answers the entity's next event to send, leased to the caller, if any. */
  record(outcome: Outcome): Promise<ClaimedDelivery | null> {
    return this.writer.submit(outcome.delivery.endpointId, outcome);
  }

  /** What an attempt's answer means for its delivery. */
  private decide(outcome: Outcome): Decision {
    const { delivery, answer, at } = outcome;
    if (answer.delivered || delivery.kind !== WebhookDeliveryKind.EVENT)
      return { outcome, nextAttemptAt: null, gaveUp: false };
    const since = delivery.failingSince ?? at;
    const wait = backoffMs(delivery.attempts - 1, this.settings.retryBaseMs, this.settings.retryMaxMs);
    const gaveUp = at.getTime() - since.getTime() >= this.settings.retryWindowMs;
    // A spent window leaves the delivery due: it goes first when the endpoint is enabled again.
    return { outcome, nextAttemptAt: gaveUp ? at : new Date(at.getTime() + wait), gaveUp };
  }

  /** Records a batch of one endpoint's attempts in one transaction; returns each one's next event to send. */
  private async recordBatch(endpointId: string, outcomes: Outcome[]): Promise<Array<ClaimedDelivery | null>> {
    const decisions = outcomes.map((outcome) => this.decide(outcome));
    const next = await this.db.transaction((manager) => this.writeOutcomes(manager, endpointId, decisions));
    for (const { outcome, nextAttemptAt, gaveUp } of decisions) {
      if (!nextAttemptAt || gaveUp) continue;
      const { id, attempts } = outcome.delivery;
      await this.jobs
        .schedule({
          name: WEBHOOK_RETRY_JOB,
          id: `webhook:${id}:${attempts + 1}`,
          data: { deliveryId: id },
          delayMs: nextAttemptAt.getTime() - Date.now(),
        })
        .catch((error) =>
          this.logger.warn({ err: String(error), deliveryId: id }, 'retry not scheduled; the sweep takes it'),
        );
    }
    if (decisions.some((decision) => decision.gaveUp)) {
      const reason = `deliveries failed for ${Math.round(this.settings.retryWindowMs / 3_600_000)} hours`;
      const event = await this.endpoints.changeStatus(
        endpointId,
        WebhookEndpointStatus.DISABLED,
        EventSource.SYSTEM,
        reason,
      );
      this.onDisabled(endpointId);
      if (event)
        this.logger.warn({ endpointId }, 'webhook endpoint disabled: its deliveries failed for the whole retry window');
    }
    return outcomes.map((outcome) => next.get(outcome.delivery.id) ?? null);
  }

  private async writeOutcomes(
    manager: EntityManager,
    endpointId: string,
    decisions: Decision[],
  ): Promise<Map<string, ClaimedDelivery>> {
    // Shared, against the fan-out's exclusive lock: a delivered event and its entity's next
    // event being made at the same moment cannot both miss each other.
    if (this.db.kind === 'mysql')
      await manager.query('SELECT `id` FROM `webhook_endpoints` WHERE `id` = ? LOCK IN SHARE MODE', [endpointId]);
    await insertRows(
      manager,
      WebhookAttempt,
      decisions.map(({ outcome, nextAttemptAt, gaveUp }) =>
        Object.assign(new WebhookAttempt(), {
          id: newId(),
          deliveryId: outcome.delivery.id,
          endpointId,
          number: outcome.delivery.attempts,
          statusCode: outcome.answer.statusCode,
          latencyMs: outcome.answer.latencyMs,
          error: outcome.answer.error?.slice(0, 256) ?? null,
          nextRetryAt: gaveUp ? null : nextAttemptAt,
          createdAt: outcome.at,
        }),
      ),
    );
    const delivered = decisions.filter(({ outcome }) => outcome.answer.delivered).map(({ outcome }) => outcome);
    if (delivered.length > 0)
      await manager.update(
        WebhookDelivery,
        { id: In(delivered.map(({ delivery }) => delivery.id)) },
        {
          status: WebhookDeliveryStatus.DELIVERED,
          deliveredAt: delivered[0].at,
          nextAttemptAt: null,
          leaseUntil: null,
        },
      );
    for (const { outcome, nextAttemptAt } of decisions.filter(({ outcome }) => !outcome.answer.delivered))
      await manager.update(
        WebhookDelivery,
        { id: outcome.delivery.id },
        nextAttemptAt
          ? { nextAttemptAt, leaseUntil: null, failingSince: outcome.delivery.failingSince ?? outcome.at }
          : { status: WebhookDeliveryStatus.FAILED, nextAttemptAt: null, leaseUntil: null },
      );
    return this.claimSuccessors(
      manager,
      endpointId,
      delivered.filter(({ delivery }) => delivery.kind === WebhookDeliveryKind.EVENT).map(({ delivery }) => delivery),
    );
  }

  /** For each delivered event, its entity's next event at this endpoint: due now, leased to us. */
  private async claimSuccessors(
    manager: EntityManager,
    endpointId: string,
    delivered: ClaimedDelivery[],
  ): Promise<Map<string, ClaimedDelivery>> {
    const byKey = new Map(delivered.map((delivery) => [delivery.entityKey, delivery.id]));
    if (byKey.size === 0) return new Map();
    const waiting = await manager.find(WebhookDelivery, {
      where: {
        endpointId,
        entityKey: In([...byKey.keys()]),
        kind: WebhookDeliveryKind.EVENT,
        status: WebhookDeliveryStatus.PENDING,
        nextAttemptAt: IsNull(),
      },
      order: { sequence: 'ASC' },
    });
    const heads = new Map<string, WebhookDelivery>();
    for (const row of waiting) if (!heads.has(row.entityKey)) heads.set(row.entityKey, row);
    if (heads.size === 0) return new Map();
    const now = new Date();
    const leaseUntil = new Date(now.getTime() + leaseSpanMs(this.settings));
    await manager.update(
      WebhookDelivery,
      { id: In([...heads.values()].map((row) => row.id)), nextAttemptAt: IsNull() },
      { nextAttemptAt: now, leaseUntil, attempts: () => '`attempts` + 1' },
    );
    const claimed = new Map<string, ClaimedDelivery>();
    for (const [key, row] of heads)
      claimed.set(byKey.get(key) as string, { ...row, attempts: row.attempts + 1, createdAt: now, leaseUntil });
    return claimed;
  }
}
