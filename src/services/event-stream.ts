import type { StatusEvent } from '../entities';
import { badUserInput } from '../errors/app-errors';
import { toMessage, type BusItem, type EventBus, type StatusEventMessage } from './event-bus';
import type { StatusEventService } from './status-event-service';

/** Opaque resume cursor of an event: its per-platform sequence number. */
export function encodeEventCursor(sequence: number): string {
  return Buffer.from(`event:${sequence}`).toString('base64url');
}

export function decodeEventCursor(cursor: string): number {
  const match = /^event:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw badUserInput('`after` is not an event cursor from this API', 'after');
  return Number(match[1]);
}

/**
 * One subscription's view of a platform's events: every event exactly once, in sequence
 * order, with no gap, whatever the bus does.
 *
 * - Listening starts first, then the backlog after the starting sequence is read from the
 *   event log, so nothing committed in between can slip through. Without a resume cursor the
 *   starting sequence is read before listening starts, and the same backlog read covers the
 *   moment in between.
 * - A message below the next expected sequence is a duplicate (a republish, or already read
 *   from the log) and is dropped.
 * - A message above it means the bus lost or reordered something; the missing range is read
 *   from the log before the message is delivered. Sequences are assigned under the platform
 *   row's lock and so in commit order: a visible event N means 1..N-1 are committed too.
 */
export class EventStream implements AsyncIterableIterator<StatusEventMessage> {
  private readonly ready: StatusEventMessage[] = [];
  private nextSequence = 0;
  private readonly live: AsyncIterableIterator<BusItem>;
  private started?: Promise<void>;

  constructor(
    bus: EventBus,
    private readonly events: StatusEventService,
    private readonly platformId: string,
    /** Deliver events after this sequence: a resume cursor, or the newest sequence at subscribe time. */
    private readonly afterSequence: number,
    private readonly keep: (message: StatusEventMessage) => boolean,
  ) {
    this.live = bus.subscribe(platformId);
  }

  async next(): Promise<IteratorResult<StatusEventMessage>> {
    this.started ??= this.start();
    await this.started;
    for (;;) {
      const waiting = this.ready.shift();
      if (waiting) return { done: false, value: waiting };
      const result = await this.live.next();
      if (result.done) return { done: true, value: undefined };
      if (result.value.kind === 'resync') await this.fillFromLog();
      else await this.accept(result.value.message);
    }
  }

  return(): Promise<IteratorResult<StatusEventMessage>> {
    void this.live.return?.();
    return Promise.resolve({ done: true, value: undefined });
  }

  throw(error?: unknown): Promise<IteratorResult<StatusEventMessage>> {
    void this.live.return?.();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<StatusEventMessage> {
    return this;
  }

  private async start(): Promise<void> {
    // The live listener is already attached (constructor), so reading the log now covers
    // everything committed before it, and the listener everything after.
    this.nextSequence = this.afterSequence + 1;
    await this.fillFromLog();
  }

  /** Reads everything committed from nextSequence on (up to `until`), in pages. */
  private async fillFromLog(until?: number): Promise<void> {
    for (;;) {
      const page: StatusEvent[] = await this.events.eventsFrom(this.platformId, this.nextSequence, until);
      for (const event of page) this.admit(toMessage(event));
      if (page.length < 500) return;
    }
  }

  private async accept(message: StatusEventMessage): Promise<void> {
    if (message.sequence < this.nextSequence) return;
    if (message.sequence > this.nextSequence) await this.fillFromLog(message.sequence - 1);
    // Unreachable while sequences stay gap-free; if the log ever lacked a range, skipping it
    // beats stalling this subscriber forever.
    if (message.sequence > this.nextSequence) this.nextSequence = message.sequence;
    this.admit(message);
  }

  private admit(message: StatusEventMessage): void {
    if (message.sequence !== this.nextSequence) return;
    this.nextSequence += 1;
    if (this.keep(message)) this.ready.push(message);
  }
}
