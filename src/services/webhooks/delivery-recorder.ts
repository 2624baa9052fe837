import { newId } from '../../crypto/ids';
import { hydrate, insertStatement, selectStatement, updateStatement, type Statement } from '../../db/bulk-sql';
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
    const next = await this.writeOutcomes(endpointId, decisions);
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
      const reason = `deliveries failed for ${describeSpan(this.settings.retryWindowMs)}, the whole retry window`;
      const event = await this.endpoints.changeStatus(
        endpointId,
        WebhookEndpointStatus.DISABLED,
        EventSource.SYSTEM,
        reason,
      );
      if (event)
        this.logger.warn({ endpointId }, 'webhook endpoint disabled: its deliveries failed for the whole retry window');
    }
    return outcomes.map((outcome) => next.get(outcome.delivery.id) ?? null);
  }

  /**
   * One transaction, two round trips on MySQL: the attempts, every delivery's new state in one
   * UPDATE, and the delivered events' successors read and locked; then those claimed, and the
   * commit.
   */
  private writeOutcomes(endpointId: string, decisions: Decision[]): Promise<Map<string, ClaimedDelivery>> {
    const source = this.db.dataSource;
    const attempts = decisions.map(({ outcome, nextAttemptAt, gaveUp }) =>
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
    );
    const states = decisions.map(({ outcome: { delivery, answer, at }, nextAttemptAt }) =>
      Object.assign(new WebhookDelivery(), {
        id: delivery.id,
        status: answer.delivered
          ? WebhookDeliveryStatus.DELIVERED
          : nextAttemptAt
            ? WebhookDeliveryStatus.PENDING
            : WebhookDeliveryStatus.FAILED,
        deliveredAt: answer.delivered ? at : null,
        nextAttemptAt,
        leaseUntil: null,
        failingSince: answer.delivered ? null : (delivery.failingSince ?? at),
      }),
    );
    // For each delivered event, its entity's next event at this endpoint becomes the head.
    const delivered = decisions
      .map(({ outcome }) => outcome)
      .filter(({ delivery, answer }) => answer.delivered && delivery.kind === WebhookDeliveryKind.EVENT);
    const byKey = new Map(delivered.map(({ delivery }) => [delivery.entityKey, delivery.id]));
    return this.db.pipelined(async (transaction) => {
      const results = await transaction.run([
        // Shared, against the dispatch's exclusive lock: a delivered event and its entity's
        // next event being made at the same moment cannot both miss each other.
        ...(this.db.kind === 'mysql'
          ? [{ sql: 'SELECT `id` FROM `webhook_endpoints` WHERE `id` = ? LOCK IN SHARE MODE', params: [endpointId] }]
          : []),
        insertStatement(source, WebhookAttempt, attempts) as Statement,
        updateStatement(source, WebhookDelivery, states, [
          'status',
          'deliveredAt',
          'nextAttemptAt',
          'leaseUntil',
          'failingSince',
        ]) as Statement,
        ...(byKey.size > 0
          ? [
              selectStatement(
                source,
                WebhookDelivery,
                {
                  endpointId,
                  entityKey: [...byKey.keys()],
                  kind: WebhookDeliveryKind.EVENT,
                  status: WebhookDeliveryStatus.PENDING,
                },
                { forUpdate: true },
              ),
            ]
          : []),
      ]);
      const waiting = byKey.size > 0 ? hydrate(source, WebhookDelivery, results[results.length - 1]) : [];
      const heads = new Map<string, WebhookDelivery>();
      for (const row of waiting.filter((each) => each.nextAttemptAt === null).sort((a, b) => a.sequence - b.sequence))
        if (!heads.has(row.entityKey)) heads.set(row.entityKey, row);
      const now = new Date();
      const leaseUntil = new Date(now.getTime() + leaseSpanMs(this.settings));
      const claimed = [...heads.values()].map((row) =>
        Object.assign(row, { nextAttemptAt: now, leaseUntil, attempts: row.attempts + 1 }),
      );
      const claim = updateStatement(source, WebhookDelivery, claimed, ['nextAttemptAt', 'leaseUntil', 'attempts']);
      await transaction.commit(claim ? [claim] : []);
      return new Map(claimed.map((row) => [byKey.get(row.entityKey) as string, { ...row, createdAt: now }]));
    });
  }
}

/** A span of time in words, for a person: "3 days", "5 hours", "30 seconds". */
function describeSpan(ms: number): string {
  const [size, unit] =
    ms >= 86_400_000 ? [86_400_000, 'day'] : ms >= 3_600_000 ? [3_600_000, 'hour'] : [1000, 'second'];
  const count = Math.round((ms / size) * 10) / 10;
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}
