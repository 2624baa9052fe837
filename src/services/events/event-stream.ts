import type { StatusEvent } from '../../entities';
import { badUserInput } from '../../errors/app-errors';
import type { Logger } from '../../logging/logger';
import { AsyncQueue } from '../../util/async-queue';
import { toMessage, type BusItem, type EventBus, type StatusEventMessage } from './event-bus';
import type { EventLog } from './event-log';

/** Opaque resume cursor of an event: its per-platform sequence number. */
export function encodeEventCursor(sequence: number): string {
  return Buffer.from(`event:${sequence}`).toString('base64url');
}

export function decodeEventCursor(cursor: string): number {
  const match = /^event:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw badUserInput('`after` is not an event cursor from this API', 'after');
  return Number(match[1]);
}

const LOG_PAGE = 500;
/** How long a feed waits before reading the log again after the database failed it. */
const FEED_RETRY_MS = 1000;

/**
 * Where a feed files a subscription: the narrowest id that every event it keeps carries, so an
 * event wakes only the subscriptions that can receive it. A subscription without one (a
 * platform key watching everything) is offered every event.
 */
export interface StreamRoute {
  entityId?: string;
  clientId?: string;
  bizId?: string;
}

export interface StreamSpec {
  platformId: string;
  /** Deliver events after this sequence: a resume cursor, or the newest sequence at subscribe time. */
  afterSequence: number;
  /** The subscription's full filter (tenancy first); applied to every event it is offered. */
  keep: (message: StatusEventMessage) => boolean;
  route: StreamRoute;
}

/**
 * The subscriptions of this process, grouped into one feed per platform. The ordering work
 * (dropping repeats, filling gaps from the event log, catching up after a bus reconnect) is
 * done once per platform and event, not once per subscription, so a thousand subscribers cost
 * one ordered pass and a map lookup per event.
 */
export class EventFeeds {
  private readonly feeds = new Map<string, PlatformFeed>();
  private open = 0;

  constructor(
    private readonly bus: EventBus,
    private readonly events: EventLog,
    private readonly logger: Logger,
  ) {}

  /** GraphQL subscriptions listening in this process (health, tests). */
  get activeSubscriptions(): number {
    return this.open;
  }

  /** A subscription's stream. Listening starts now; the backlog is read on the first next(). */
  stream(spec: StreamSpec): EventStream {
    let feed = this.feeds.get(spec.platformId);
    if (!feed) {
      const created = new PlatformFeed(this.bus, this.events, spec.platformId, this.logger, () => {
        if (this.feeds.get(spec.platformId) === created) this.feeds.delete(spec.platformId);
      });
      this.feeds.set(spec.platformId, created);
      feed = created;
    }
    this.open += 1;
    return new EventStream(feed, this.events, spec, () => (this.open -= 1));
  }
}

/**
 * One platform's events in this process, strictly in sequence order, each exactly once, whatever
 * the bus does:
 * - listening starts first, then the newest committed sequence is read, so nothing committed
 *   in between slips through (it arrives on the bus, or is read from the log on the next gap);
 * - a message at or below the position is a repeat (a republish) and is dropped;
 * - a message above the next expected sequence means the bus lost or reordered something; the
 *   missing range is read from the log first. Sequences are assigned under the platform row's
 *   lock and so in commit order: a visible event N means 1..N-1 are committed too;
 * - a bus reconnect (resync) reads everything after the position from the log.
 */
class PlatformFeed {
  /** The last sequence dispatched; every event up to it has been offered to the subscriptions. */
  position = 0;
  readonly ready: Promise<void>;
  private readonly live: AsyncIterableIterator<BusItem>;
  private readonly everything = new Set<EventStream>();
  private readonly byEntity = new Map<string, Set<EventStream>>();
  private readonly byClient = new Map<string, Set<EventStream>>();
  private readonly byBiz = new Map<string, Set<EventStream>>();
  private members = 0;
  private closed = false;

  constructor(
    bus: EventBus,
    private readonly events: EventLog,
    private readonly platformId: string,
    private readonly logger: Logger,
    private readonly onClosed: () => void,
  ) {
    this.live = bus.subscribe(platformId);
    this.ready = events.lastSequence(platformId).then(
      (sequence) => {
        this.position = sequence;
        void this.pump();
      },
      (error: unknown) => {
        this.close();
        throw error;
      },
    );
  }

  attach(stream: EventStream, route: StreamRoute): void {
    this.members += 1;
    const index = this.indexFor(route);
    if (!index) {
      this.everything.add(stream);
      return;
    }
    let set = index.map.get(index.key);
    if (!set) index.map.set(index.key, (set = new Set()));
    set.add(stream);
  }

  detach(stream: EventStream, route: StreamRoute): void {
    const index = this.indexFor(route);
    if (!index) this.everything.delete(stream);
    else {
      const set = index.map.get(index.key);
      set?.delete(stream);
      if (set?.size === 0) index.map.delete(index.key);
    }
    this.members -= 1;
    if (this.members === 0) this.close();
  }

  private indexFor(route: StreamRoute): { map: Map<string, Set<EventStream>>; key: string } | undefined {
    if (route.entityId) return { map: this.byEntity, key: route.entityId };
    if (route.clientId) return { map: this.byClient, key: route.clientId };
    if (route.bizId) return { map: this.byBiz, key: route.bizId };
    return undefined;
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    void this.live.return?.();
    this.onClosed();
  }

  private async pump(): Promise<void> {
    for (;;) {
      const result = await this.live.next();
      if (result.done) return;
      // A failed log read (the database away) is retried; messages wait on the bus queue
      // meanwhile, so the order and the no-gap promise hold through an outage.
      for (;;) {
        try {
          if (result.value.kind === 'resync') await this.fillFromLog();
          else await this.accept(result.value.message);
          break;
        } catch (error) {
          if (this.closed) return;
          this.logger.warn({ err: String(error), platformId: this.platformId }, 'event feed could not read the log');
          await new Promise((resolve) => setTimeout(resolve, FEED_RETRY_MS));
        }
      }
    }
  }

  /** Dispatches everything committed after the position (up to `until`), in pages. */
  private async fillFromLog(until?: number): Promise<void> {
    for (;;) {
      const page: StatusEvent[] = await this.events.eventsFrom(this.platformId, this.position + 1, until, LOG_PAGE);
      for (const event of page) await this.dispatch(toMessage(event));
      if (page.length < LOG_PAGE) return;
    }
  }

  private async accept(message: StatusEventMessage): Promise<void> {
    if (message.sequence <= this.position) return;
    if (message.sequence > this.position + 1) await this.fillFromLog(message.sequence - 1);
    // Unreachable while sequences stay gap-free; if the log ever lacked a range, skipping it
    // beats stalling every subscriber of the platform forever.
    if (message.sequence > this.position + 1) this.position = message.sequence - 1;
    await this.dispatch(message);
  }

  /**
   * Offers a message to every subscription its route selects, in chunks that yield to the event
   * loop between them: ten thousand subscribers of one platform must not hold up a mutation
   * (or the next callback) for the whole fan-out.
   */
  private async dispatch(message: StatusEventMessage): Promise<void> {
    if (message.sequence !== this.position + 1) return;
    this.position = message.sequence;
    const targets = [...this.everything, ...(this.byEntity.get(message.entityId) ?? [])];
    if (message.parentId) targets.push(...(this.byEntity.get(message.parentId) ?? []));
    if (message.clientId) targets.push(...(this.byClient.get(message.clientId) ?? []));
    if (message.bizId) targets.push(...(this.byBiz.get(message.bizId) ?? []));
    for (let start = 0; start < targets.length; start += FAN_OUT_CHUNK) {
      if (start > 0) await yieldToEventLoop();
      for (const stream of targets.slice(start, start + FAN_OUT_CHUNK)) stream.offer(message);
    }
  }
}

/** How many subscriptions are offered an event before the fan-out lets other work run. */
export const FAN_OUT_CHUNK = 64;

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * One subscription's events: every event it may see exactly once, in sequence order, with no
 * gap. It joins its platform's feed at once (so nothing is missed while it starts), then on
 * the first next() reads its backlog from the event log: everything after its cursor up to
 * the feed's position at that moment. Live events up to that position are repeats of the
 * backlog and are dropped; the rest follow it.
 */
export class EventStream implements AsyncIterableIterator<StatusEventMessage> {
  private readonly output: AsyncQueue<StatusEventMessage>;
  /** Live events offered before the backlog was read. */
  private early: StatusEventMessage[] | undefined = [];
  /** The last sequence this subscription has passed (delivered or filtered out). */
  private watermark: number;
  private started?: Promise<void>;

  constructor(
    private readonly feed: PlatformFeed,
    private readonly events: EventLog,
    private readonly spec: StreamSpec,
    onClosed: () => void,
  ) {
    this.watermark = spec.afterSequence;
    this.output = new AsyncQueue(() => {
      feed.detach(this, spec.route);
      onClosed();
    });
    feed.attach(this, spec.route);
  }

  /** Called by the feed, in sequence order, with the events this subscription's route selects. */
  offer(message: StatusEventMessage): void {
    if (this.early) this.early.push(message);
    else this.pass(message);
  }

  async next(): Promise<IteratorResult<StatusEventMessage>> {
    this.started ??= this.start().catch((error: unknown) => {
      this.output.close();
      throw error;
    });
    await this.started;
    return this.output.next();
  }

  return(): Promise<IteratorResult<StatusEventMessage>> {
    return this.output.return();
  }

  throw(error?: unknown): Promise<IteratorResult<StatusEventMessage>> {
    return this.output.throw(error);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<StatusEventMessage> {
    return this;
  }

  private async start(): Promise<void> {
    await this.feed.ready;
    // Everything up to `until` has been offered to the feed's subscriptions before this
    // moment (and so is in `early` or earlier); the log has all of it committed.
    const until = this.feed.position;
    let from = this.watermark + 1;
    while (from <= until) {
      const page: StatusEvent[] = await this.events.eventsFrom(this.spec.platformId, from, until, LOG_PAGE);
      for (const event of page) this.pass(toMessage(event));
      if (page.length < LOG_PAGE) break;
      from = page[page.length - 1].sequence + 1;
    }
    this.watermark = Math.max(this.watermark, until);
    const early = this.early ?? [];
    this.early = undefined;
    for (const message of early) this.pass(message);
  }

  private pass(message: StatusEventMessage): void {
    if (message.sequence <= this.watermark) return;
    this.watermark = message.sequence;
    if (this.spec.keep(message)) this.output.push(message);
  }
}
