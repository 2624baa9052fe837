import { In, IsNull, LessThan } from 'typeorm';
import type { Database } from '../../db/database';
import { StatusEvent } from '../../entities';
import type { Logger } from '../../logging/logger';
import { toMessage, type EventBus } from './event-bus';

export interface OutboxSettings {
  /** How often unpublished events are looked for. */
  sweepIntervalMs: number;
  /** How old an unpublished event must be before the sweep takes it over from its writer. */
  graceMs: number;
}

export const DEFAULT_OUTBOX_SETTINGS: OutboxSettings = { sweepIntervalMs: 1000, graceMs: 2000 };

/**
 * The status_events table is the outbox. After a commit the writer publishes at once and
 * marks the event published (in batches, off the hot path). If the process dies between
 * commit and publish, the event stays unmarked and a sweep on any instance publishes it.
 *
 * Publishing is therefore at-least-once: a sweep may republish an event its writer already
 * published. That is harmless by design, because every subscription delivers strictly by the
 * per-platform sequence and drops what it has already delivered (EventStream).
 */
export class OutboxRelay {
  private readonly toMark = new Set<string>();
  private markTimer?: NodeJS.Timeout;
  private sweeping?: Promise<number>;

  /** Set by the wiring: told of every commit's events, at once (webhooks start from here). */
  onCommitted?: (events: StatusEvent[]) => void;

  /** Set by the runtime: observes commit → publish time of each event. */
  observeLag?: (seconds: number) => void;

  constructor(
    private readonly db: Database,
    private readonly bus: EventBus,
    private readonly logger: Logger,
    private readonly settings: OutboxSettings = DEFAULT_OUTBOX_SETTINGS,
  ) {}

  get sweepIntervalMs(): number {
    return this.settings.sweepIntervalMs;
  }

  async stop(): Promise<void> {
    await this.sweeping;
    await this.flushMarks();
  }

  /** Publishes the events of one commit, together. */
  publishCommitted(events: StatusEvent[]): void {
    if (events.length === 0) return;
    this.onCommitted?.(events);
    this.bus.publish(...events.map(toMessage)).then(
      () =>
        events.forEach((event) => {
          this.observeLag?.((Date.now() - event.createdAt.getTime()) / 1000);
          this.markLater(event.id);
        }),
      // Left unmarked: the sweep retries them after the grace period.
      (error) =>
        this.logger.warn(
          { err: String(error), eventIds: events.map((event) => event.id) },
          'publish failed; the outbox will retry',
        ),
    );
  }

  /** Publishes every event left unpublished for longer than the grace period. Returns how many. */
  sweep(): Promise<number> {
    this.sweeping ??= this.sweepOnce().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async sweepOnce(): Promise<number> {
    try {
      const stale = await this.db.manager.find(StatusEvent, {
        where: { publishedAt: IsNull(), createdAt: LessThan(new Date(Date.now() - this.settings.graceMs)) },
        order: { platformId: 'ASC', sequence: 'ASC' },
        take: 500,
      });
      await this.bus.publish(...stale.map(toMessage));
      if (stale.length > 0) {
        await this.mark(stale.map((event) => event.id));
        this.logger.info({ count: stale.length }, 'outbox published events left behind');
      }
      return stale.length;
    } catch (error) {
      this.logger.warn({ err: String(error) }, 'outbox sweep failed; will retry');
      return 0;
    }
  }

  private markLater(id: string): void {
    this.toMark.add(id);
    this.markTimer ??= setTimeout(() => void this.flushMarks(), 100);
  }

  /** Writes pending published-marks now (used on shutdown, and by tests that count SQL). */
  async flushMarks(): Promise<void> {
    if (this.markTimer) clearTimeout(this.markTimer);
    this.markTimer = undefined;
    const ids = [...this.toMark];
    this.toMark.clear();
    if (ids.length > 0)
      await this.mark(ids).catch((error) =>
        this.logger.warn({ err: String(error) }, 'could not mark events published'),
      );
  }

  private async mark(ids: string[]): Promise<void> {
    await this.db.transaction((manager) =>
      manager.update(StatusEvent, { id: In(ids), publishedAt: IsNull() }, { publishedAt: new Date() }),
    );
  }
}
