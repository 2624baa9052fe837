import { In, IsNull, type EntityManager } from 'typeorm';
import { newId } from '../../crypto/ids';
import { insertRows } from '../../db/bulk-sql';
import type { Database } from '../../db/database';
import { EventSource, WebhookDeliveryKind, WebhookDeliveryStatus, WebhookEndpointStatus } from '../../domain/enums';
import { WebhookAttempt, WebhookDelivery, type WebhookEndpoint } from '../../entities';
import type { JobOutcome, JobQueue } from '../../jobs/job-queue';
import type { Logger } from '../../logging/logger';
import { backoffMs } from '../../util/backoff';
import { failpoint } from '../../util/failpoints';
import { GroupCommit } from '../../util/group-commit';
import { SIGNATURE_HEADER, signWebhookPayload } from '../../webhooks/signature';
import type { WebhookAnswer, WebhookSender } from '../../webhooks/webhook-sender';
import type { WebhookEndpoints } from './webhook-endpoints';
import type { WebhookSettings } from './webhook-settings';

/** A delivery this instance holds the lease of, to attempt now. */
export type ClaimedDelivery = Pick<
  WebhookDelivery,
  'id' | 'endpointId' | 'kind' | 'entityKey' | 'body' | 'attempts' | 'failingSince' | 'createdAt'
>;

interface Outcome {
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

/** How long an endpoint row read for a send is trusted; changes on this instance clear it at once. */
const ENDPOINT_CACHE_MS = 1000;
/** How long attempts wait to be recorded together. */
const RECORD_LINGER_MS = 5;
/** The sweep leaves a due delivery this long to the job that should take it. */
const SWEEP_GRACE_MS = 1000;

/**
 * Sends webhook deliveries and records what happened, at least once and one attempt at a time:
 * - an attempt needs the delivery's lease, taken by a conditional UPDATE (or when the
 *   delivery is made), so two instances never make the same attempt; a crash after sending
 *   lets the lease run out and the delivery is sent again (at least once, never lost);
 * - attempts are recorded in batches (group commit), with each attempt's row;
 * - a delivered event hands the lease of its entity's next event at this endpoint to this
 *   instance in the same transaction, so events of an entity go out in sequence order;
 * - a failed one is retried by a background job with exponential backoff and jitter, until the
 *   retry window is spent; then its endpoint is disabled (an event of its own).
 */
export class DeliveryEngine {
  static readonly RETRY_JOB = 'webhook-retry';
  private readonly recorder: GroupCommit<Outcome, ClaimedDelivery | null>;
  private readonly endpointCache = new Map<string, { row: WebhookEndpoint | null; at: number }>();
  private readonly waiting: ClaimedDelivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  /** Set by the wiring: the time from a delivery's creation to its 2xx, for first attempts. */
  observeDelivered?: (seconds: number) => void;
  /** Set by the wiring: every attempt's result. */
  observeAttempt?: (delivered: boolean) => void;

  constructor(
    private readonly db: Database,
    private readonly endpoints: WebhookEndpoints,
    private readonly sender: WebhookSender,
    private readonly jobs: JobQueue,
    private readonly settings: WebhookSettings,
    private readonly logger: Logger,
  ) {
    // Recording is after the delivery, off its latency: a short linger lets one commit carry
    // the attempts of many deliveries (each commit is a sync to disk on embedded SQLite).
    this.recorder = new GroupCommit((endpointId, outcomes) => this.record(endpointId, outcomes), {
      lingerMs: RECORD_LINGER_MS,
    });
  }

  /** Attempts deliveries whose lease this instance holds, at most `concurrency` at a time. */
  sendClaimed(deliveries: ClaimedDelivery[], endpoints: WebhookEndpoint[] = []): void {
    const now = Date.now();
    for (const endpoint of endpoints) this.endpointCache.set(endpoint.id, { row: endpoint, at: now });
    this.waiting.push(...deliveries);
    this.pump();
  }

  /** Forgets a cached endpoint (changed on this instance). */
  forgetEndpoint(endpointId: string): void {
    this.endpointCache.delete(endpointId);
  }

  /** Attempts in flight or waiting for a slot (tests, bench). */
  get busy(): number {
    return this.waiting.length + this.inFlight.size;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.waiting.length = 0;
    await Promise.all(this.inFlight);
    this.sender.close();
  }

  /** One attempt of a delivery whose lease the caller holds, finished when it is recorded. */
  attemptNow(delivery: ClaimedDelivery): Promise<void> {
    return this.attempt(delivery);
  }

  /** The retry job: takes the delivery's lease if it is still due, and attempts it. */
  async retry(data: Record<string, unknown>): Promise<JobOutcome> {
    const claimed = await this.claimDue(String(data.deliveryId), new Date());
    if (claimed) await this.attempt(claimed);
    return { done: true };
  }

  /**
   * Takes and attempts deliveries that are overdue: retries whose job was lost (in-process jobs
   * die with their process) and attempts whose instance died with the lease. Returns how many.
   */
  async sweepDue(limit = 100, endpointId?: string): Promise<number> {
    const now = new Date();
    // One endpoint (just enabled again) is taken at once; the periodic sweep leaves a grace.
    const overdue = new Date(now.getTime() - (endpointId ? 0 : SWEEP_GRACE_MS));
    const query = this.db.manager
      .getRepository(WebhookDelivery)
      .createQueryBuilder('delivery')
      .innerJoin('delivery.endpoint', 'endpoint')
      .select('delivery.id', 'id')
      .where('delivery.status = :pending', { pending: WebhookDeliveryStatus.PENDING })
      .andWhere('delivery.nextAttemptAt <= :overdue', { overdue })
      .andWhere('(delivery.leaseUntil IS NULL OR delivery.leaseUntil < :now)', { now })
      .andWhere('endpoint.status = :enabled', { enabled: WebhookEndpointStatus.ENABLED })
      .orderBy('delivery.nextAttemptAt', 'ASC')
      .limit(limit);
    if (endpointId) query.andWhere('delivery.endpointId = :endpointId', { endpointId });
    const due = await query.getRawMany<{ id: string }>();
    const claimed: ClaimedDelivery[] = [];
    for (const { id } of due) {
      const delivery = await this.claimDue(id, now);
      if (delivery) claimed.push(delivery);
    }
    this.sendClaimed(claimed);
    return claimed.length;
  }

  /** One conditional UPDATE: the lease for the next attempt, if nobody holds it and it is due. */
  private async claimDue(id: string, now: Date): Promise<ClaimedDelivery | undefined> {
    const result = await this.db.write((manager) =>
      manager
        .createQueryBuilder()
        .update(WebhookDelivery)
        .set({ leaseUntil: new Date(now.getTime() + this.settings.leaseMs), attempts: () => '`attempts` + 1' })
        .where('id = :id AND status = :pending AND nextAttemptAt <= :now', {
          id,
          pending: WebhookDeliveryStatus.PENDING,
          now,
        })
        .andWhere('(leaseUntil IS NULL OR leaseUntil < :now)', { now })
        .execute(),
    );
    if (!result.affected) return undefined;
    return (await this.db.manager.findOne(WebhookDelivery, { where: { id } })) ?? undefined;
  }

  private pump(): void {
    while (!this.stopped && this.waiting.length > 0 && this.inFlight.size < this.settings.concurrency) {
      const delivery = this.waiting.shift() as ClaimedDelivery;
      const run: Promise<void> = this.attempt(delivery)
        .catch((error) =>
          this.logger.warn(
            { err: String(error), deliveryId: delivery.id },
            'webhook attempt failed; the sweep retries it',
          ),
        )
        .finally(() => {
          this.inFlight.delete(run);
          this.pump();
        });
      this.inFlight.add(run);
    }
  }

  /** One attempt: signed at send time with every valid secret, then recorded. */
  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    const endpoint = await this.endpointOf(delivery.endpointId);
    if (
      !endpoint ||
      (endpoint.status !== WebhookEndpointStatus.ENABLED && delivery.kind === WebhookDeliveryKind.EVENT)
    ) {
      // Disabled meanwhile: hand the lease back untried; enabling the endpoint resumes it.
      await this.db.write((manager) =>
        manager.update(WebhookDelivery, { id: delivery.id }, { leaseUntil: null, attempts: delivery.attempts - 1 }),
      );
      return;
    }
    const answer = await this.sender.send({
      url: endpoint.url,
      body: delivery.body,
      headers: { [SIGNATURE_HEADER]: signWebhookPayload(delivery.body, this.endpoints.signingSecrets(endpoint)) },
    });
    // A crash here: sent, not recorded. The lease runs out and the delivery goes again.
    failpoint('webhook-after-send');
    this.observeAttempt?.(answer.delivered);
    const next = await this.recorder.submit(delivery.endpointId, { delivery, answer, at: new Date() });
    if (answer.delivered && delivery.attempts === 1)
      this.observeDelivered?.((Date.now() - delivery.createdAt.getTime()) / 1000);
    if (next) this.sendClaimed([next]);
  }

  private async endpointOf(id: string): Promise<WebhookEndpoint | null> {
    const cached = this.endpointCache.get(id);
    if (cached && Date.now() - cached.at < ENDPOINT_CACHE_MS) return cached.row;
    const row = await this.endpoints.findById(id);
    this.endpointCache.set(id, { row, at: Date.now() });
    return row;
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
  private async record(endpointId: string, outcomes: Outcome[]): Promise<Array<ClaimedDelivery | null>> {
    const decisions = outcomes.map((outcome) => this.decide(outcome));
    const next = await this.db.transaction((manager) => this.writeOutcomes(manager, endpointId, decisions));
    for (const { outcome, nextAttemptAt, gaveUp } of decisions) {
      if (!nextAttemptAt || gaveUp) continue;
      const { id, attempts } = outcome.delivery;
      await this.jobs
        .schedule({
          name: DeliveryEngine.RETRY_JOB,
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
      this.forgetEndpoint(endpointId);
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
    const leaseUntil = new Date(now.getTime() + this.settings.leaseMs);
    await manager.update(
      WebhookDelivery,
      { id: In([...heads.values()].map((row) => row.id)), nextAttemptAt: IsNull() },
      { nextAttemptAt: now, leaseUntil, attempts: () => '`attempts` + 1' },
    );
    const claimed = new Map<string, ClaimedDelivery>();
    for (const [key, row] of heads)
      claimed.set(byKey.get(key) as string, { ...row, attempts: row.attempts + 1, createdAt: now });
    return claimed;
  }
}
