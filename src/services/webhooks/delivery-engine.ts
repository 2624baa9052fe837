import type { Database } from '../../db/database';
import { WebhookDeliveryKind, WebhookDeliveryStatus, WebhookEndpointStatus } from '../../domain/enums';
import { WebhookDelivery, type WebhookEndpoint } from '../../entities';
import type { JobOutcome, JobQueue } from '../../jobs/job-queue';
import type { Logger } from '../../logging/logger';
import { failpoint } from '../../util/failpoints';
import { SIGNATURE_HEADER, signWebhookPayload } from '../../webhooks/signature';
import type { WebhookSender } from '../../webhooks/webhook-sender';
import { DeliveryRecorder, WEBHOOK_RETRY_JOB } from './delivery-recorder';
import type { WebhookEndpoints } from './webhook-endpoints';
import { attemptSpanMs, leaseSpanMs, type WebhookSettings } from './webhook-settings';

/** A delivery this instance holds the lease of, to attempt now. */
export type ClaimedDelivery = Pick<
  WebhookDelivery,
  'id' | 'endpointId' | 'kind' | 'entityKey' | 'body' | 'attempts' | 'failingSince' | 'createdAt' | 'leaseUntil'
>;

/** How long an endpoint row read for a send is trusted; changes on this instance clear it at once. */
const ENDPOINT_CACHE_MS = 1000;
/** The sweep leaves a due delivery this long to the job that should take it. */
const SWEEP_GRACE_MS = 1000;

/**
 * Sends webhook deliveries, at least once and one attempt at a time:
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
  static readonly RETRY_JOB = WEBHOOK_RETRY_JOB;
  private readonly recorder: DeliveryRecorder;
  private readonly endpointCache = new Map<string, { row: WebhookEndpoint | null; at: number }>();
  /** Claimed deliveries waiting for a slot, per endpoint, taken in turn from each. */
  private readonly waiting = new Map<string, ClaimedDelivery[]>();
  private waitingCount = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly inFlightOf = new Map<string, number>();
  /** Callers waiting for a delivery's attempt (attemptNow). */
  private readonly finished = new Map<string, () => void>();
  private stopped = false;

  /** Set by the wiring: the time from a delivery's creation to its 2xx, for first attempts. */
  observeDelivered?: (seconds: number) => void;
  /** Set by the wiring: every attempt's result. */
  observeAttempt?: (delivered: boolean) => void;

  constructor(
    private readonly db: Database,
    private readonly endpoints: WebhookEndpoints,
    private readonly sender: WebhookSender,
    jobs: JobQueue,
    private readonly settings: WebhookSettings,
    private readonly logger: Logger,
  ) {
    this.recorder = new DeliveryRecorder(db, endpoints, jobs, settings, logger);
  }

  /** Attempts deliveries whose lease this instance holds, at most `concurrency` at a time. */
  sendClaimed(deliveries: ClaimedDelivery[], endpoints: WebhookEndpoint[] = []): void {
    const now = Date.now();
    for (const endpoint of endpoints) this.endpointCache.set(endpoint.id, { row: endpoint, at: now });
    for (const delivery of deliveries) {
      const queue = this.waiting.get(delivery.endpointId);
      if (queue) queue.push(delivery);
      else this.waiting.set(delivery.endpointId, [delivery]);
    }
    this.waitingCount += deliveries.length;
    this.pump();
  }

  /** Forgets a cached endpoint (changed on this instance: WebhookEndpoints tells the wiring). */
  forgetEndpoint(endpointId: string): void {
    this.endpointCache.delete(endpointId);
  }

  /** Attempts in flight or waiting for a slot (tests, bench). */
  get busy(): number {
    return this.waitingCount + this.inFlight.size;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    // Their leases run out and another instance (or this one, restarted) sends them.
    this.waiting.clear();
    this.waitingCount = 0;
    for (const resolve of this.finished.values()) resolve();
    await Promise.all(this.inFlight);
    this.sender.close();
  }

  /**
   * One attempt of a delivery whose lease the caller holds, in its endpoint's turn (within the
   * endpoint's cap, like every attempt), finished when it is recorded.
   */
  attemptNow(delivery: ClaimedDelivery): Promise<void> {
    return new Promise((resolve) => {
      this.finished.set(delivery.id, resolve);
      this.sendClaimed([delivery]);
    });
  }

  /** The retry job: takes the delivery's lease if it is still due, and attempts it. */
  async retry(data: Record<string, unknown>): Promise<JobOutcome> {
    const claimed = await this.claimDue(String(data.deliveryId), new Date());
    if (claimed) await this.attemptNow(claimed);
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
        .set({ leaseUntil: new Date(now.getTime() + leaseSpanMs(this.settings)), attempts: () => '`attempts` + 1' })
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

  /** Starts attempts while slots are free, one endpoint after another, each within its own cap. */
  private pump(): void {
    let started = true;
    while (started && !this.stopped && this.inFlight.size < this.settings.concurrency) {
      started = false;
      for (const [endpointId, queue] of this.waiting) {
        if (this.inFlight.size >= this.settings.concurrency) break;
        if ((this.inFlightOf.get(endpointId) ?? 0) >= this.settings.endpointConcurrency) continue;
        const delivery = queue.shift() as ClaimedDelivery;
        if (queue.length === 0) this.waiting.delete(endpointId);
        this.waitingCount -= 1;
        this.start(delivery);
        started = true;
      }
    }
  }

  private start(delivery: ClaimedDelivery): void {
    const { endpointId } = delivery;
    this.inFlightOf.set(endpointId, (this.inFlightOf.get(endpointId) ?? 0) + 1);
    const run: Promise<void> = this.attempt(delivery)
      .catch((error) =>
        this.logger.warn(
          { err: String(error), deliveryId: delivery.id },
          'webhook attempt failed; the sweep retries it',
        ),
      )
      .finally(() => {
        this.finished.get(delivery.id)?.();
        this.finished.delete(delivery.id);
        this.inFlight.delete(run);
        const left = (this.inFlightOf.get(endpointId) ?? 1) - 1;
        if (left > 0) this.inFlightOf.set(endpointId, left);
        else this.inFlightOf.delete(endpointId);
        this.pump();
      });
    this.inFlight.add(run);
  }

  /**
   * Whether the lease still covers a whole attempt; if not (the delivery waited for a slot),
   * renews it, on the condition that it is still ours. False: it ran out, and another instance
   * may have taken the delivery: this instance leaves it.
   */
  private async holdLease(delivery: ClaimedDelivery): Promise<boolean> {
    const now = Date.now();
    if ((delivery.leaseUntil?.getTime() ?? 0) - now >= attemptSpanMs(this.settings)) return true;
    const renewed = new Date(now + leaseSpanMs(this.settings));
    const result = await this.db.write((manager) =>
      manager
        .createQueryBuilder()
        .update(WebhookDelivery)
        .set({ leaseUntil: renewed })
        .where('id = :id AND attempts = :attempts AND leaseUntil > :now', {
          id: delivery.id,
          attempts: delivery.attempts,
          now: new Date(now),
        })
        .execute(),
    );
    if (!result.affected) return false;
    delivery.leaseUntil = renewed;
    return true;
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
        manager.update(
          WebhookDelivery,
          { id: delivery.id, attempts: delivery.attempts },
          { leaseUntil: null, attempts: delivery.attempts - 1 },
        ),
      );
      return;
    }
    if (!(await this.holdLease(delivery))) return;
    const answer = await this.sender.send({
      url: endpoint.url,
      body: delivery.body,
      headers: { [SIGNATURE_HEADER]: signWebhookPayload(delivery.body, this.endpoints.signingSecrets(endpoint)) },
    });
    // A crash here: sent, not recorded. The lease runs out and the delivery goes again.
    failpoint('webhook-after-send');
    this.observeAttempt?.(answer.delivered);
    const next = await this.recorder.record({ delivery, answer, at: new Date() });
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
}
