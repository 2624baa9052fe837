import { Redis } from 'ioredis';
import { pooledRandomBytes } from '../../crypto/random-pool';
import type { StatusEvent } from '../../entities';
import type { Logger } from '../../logging/logger';
import { AsyncQueue } from '../../util/async-queue';
import { within } from '../../util/timeouts';

/**
 * The JSON shape of a status event on the bus. Plain data only (dates as ISO strings), so the
 * same message crosses Redis unchanged when the bus is distributed.
 */
export interface StatusEventMessage {
  id: string;
  platformId: string;
  sequence: number;
  entityKind: string;
  entityId: string;
  clientId: string | null;
  bizId: string | null;
  /** A refund's payment, so that a subscription to the payment hears its refunds too. */
  parentId: string | null;
  fromStatus: string | null;
  toStatus: string;
  source: string;
  terminal: boolean;
  /** Vendor codes and amounts; never secrets or personal data. */
  detail: Record<string, unknown> | null;
  createdAt: string;
}

export function toMessage(event: StatusEvent): StatusEventMessage {
  return {
    id: event.id,
    platformId: event.platformId,
    sequence: event.sequence,
    entityKind: event.entityKind,
    entityId: event.entityId,
    clientId: event.clientId,
    bizId: event.bizId,
    parentId: event.parentId ?? null,
    fromStatus: event.fromStatus,
    toStatus: event.toStatus,
    source: event.source,
    terminal: event.terminal,
    detail: event.detail ?? null,
    createdAt: event.createdAt.toISOString(),
  };
}

/**
 * Fan-out of committed status events to subscriptions. Delivery is best effort: subscribers
 * order, de-duplicate and fill gaps from the event log (see EventStream), so a lost or
 * reordered message never becomes a lost or duplicated event for a client.
 */
export interface EventBus {
  /** Publishes committed events, in order; one commit's events travel together. */
  publish(...messages: StatusEventMessage[]): Promise<void>;
  /** Events of one platform. Listening starts before this returns. */
  subscribe(platformId: string): AsyncIterableIterator<BusItem>;
  /** How many subscriptions are listening right now (health, tests). */
  readonly activeSubscriptions: number;
  /** Whether the bus can deliver now (readiness): always for the in-process bus. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * What a subscription reads from the bus: an event, or a hint that messages may have been
 * lost (the bus reconnected) and the subscription should catch up from the event log.
 */
export type BusItem = { kind: 'event'; message: StatusEventMessage } | { kind: 'resync' };

/** Local fan-out by platform; the whole bus in embedded mode, the last hop in Redis mode. */
class LocalFanOut {
  private readonly byPlatform = new Map<string, Set<AsyncQueue<BusItem>>>();
  activeSubscriptions = 0;

  deliver(message: StatusEventMessage): void {
    for (const queue of this.byPlatform.get(message.platformId) ?? []) queue.push({ kind: 'event', message });
  }

  /** Tells every local subscription to catch up from the log. */
  resyncAll(): void {
    for (const queues of this.byPlatform.values()) for (const queue of queues) queue.push({ kind: 'resync' });
  }

  subscribe(platformId: string): AsyncQueue<BusItem> {
    let queues = this.byPlatform.get(platformId);
    if (!queues) {
      queues = new Set();
      this.byPlatform.set(platformId, queues);
    }
    const queue: AsyncQueue<BusItem> = new AsyncQueue(() => {
      queues.delete(queue);
      if (queues.size === 0) this.byPlatform.delete(platformId);
      this.activeSubscriptions -= 1;
    });
    queues.add(queue);
    this.activeSubscriptions += 1;
    return queue;
  }

  closeAll(): void {
    for (const queues of [...this.byPlatform.values()]) for (const queue of [...queues]) queue.close();
  }
}

/** The embedded default: one process, no broker. */
export class InProcessEventBus implements EventBus {
  async ping(): Promise<boolean> {
    return true;
  }

  private readonly local = new LocalFanOut();

  get activeSubscriptions(): number {
    return this.local.activeSubscriptions;
  }

  async publish(...messages: StatusEventMessage[]): Promise<void> {
    for (const message of messages) this.local.deliver(message);
  }

  subscribe(platformId: string): AsyncIterableIterator<BusItem> {
    return this.local.subscribe(platformId);
  }

  async close(): Promise<void> {
    this.local.closeAll();
  }
}

const CHANNEL_PREFIX = 'paygraph:status:';
/** Time for ioredis to resubscribe after a reconnect before the second catch-up. */
const RESYNC_SETTLE_MS = 1000;

/**
 * Redis pub/sub between instances: one publishing and one subscribing connection per process,
 * whatever the number of GraphQL subscribers, and local fan-out from there. A callback received
 * by one instance reaches subscribers connected to any other.
 */
export class RedisEventBus implements EventBus {
  /** Readiness: the publishing connection answers PING within a second. */
  async ping(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const answer = await Promise.race([
      this.publisher.ping().catch(() => undefined),
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), 1000);
      }),
    ]);
    clearTimeout(timer);
    return answer === 'PONG';
  }

  private readonly local = new LocalFanOut();
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private lastErrorLoggedAt = 0;
  /** Marks this instance's messages on the channel ("<origin> <json array>"), so it skips its own. */
  private readonly origin = `${pooledRandomBytes(8).toString('hex')} `;

  private constructor(
    url: string,
    private readonly logger: Logger,
  ) {
    // Auto-pipelining sends the PUBLISHes of one commit (a batch of callbacks) in one write.
    this.publisher = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3, enableAutoPipelining: true });
    this.subscriber = new Redis(url, { lazyConnect: true });
    for (const connection of [this.publisher, this.subscriber]) {
      // ioredis reconnects by itself; while Redis is away, subscribers recover through the
      // event log (gap filling and resume cursors), so an outage costs latency, not events.
      connection.on('error', (error) => {
        // One line per outage, not one per reconnect attempt.
        if (Date.now() - this.lastErrorLoggedAt < 10_000) return;
        this.lastErrorLoggedAt = Date.now();
        this.logger.warn({ err: error.message }, 'redis connection error');
      });
    }
    // After a reconnect, messages published while this connection was away are gone: tell the
    // subscriptions to read the log. Once at once, and once after resubscribing has settled.
    let connectedBefore = false;
    this.subscriber.on('ready', () => {
      if (connectedBefore) {
        this.logger.info('redis subscriber reconnected; subscriptions catch up from the event log');
        this.local.resyncAll();
        setTimeout(() => this.local.resyncAll(), RESYNC_SETTLE_MS).unref();
      }
      connectedBefore = true;
    });
    this.subscriber.on('pmessage', (_pattern, _channel, text: string) => {
      // This instance's own events were delivered here when published.
      if (text.startsWith(this.origin)) return;
      try {
        const body = JSON.parse(text.slice(text.search(/[[{]/))) as StatusEventMessage | StatusEventMessage[];
        for (const message of Array.isArray(body) ? body : [body]) this.local.deliver(message);
      } catch (error) {
        this.logger.error({ err: error }, 'unreadable message on the status channel');
      }
    });
  }

  static async connect(url: string, logger: Logger): Promise<RedisEventBus> {
    const bus = new RedisEventBus(url, logger);
    await Promise.all([bus.publisher.connect(), bus.subscriber.connect()]);
    await bus.subscriber.psubscribe(`${CHANNEL_PREFIX}*`);
    return bus;
  }

  get activeSubscriptions(): number {
    return this.local.activeSubscriptions;
  }

  /**
   * Delivers to this instance's subscriptions at once and to the other instances through
   * Redis. The local copy saves a round trip through Redis for the subscribers of the instance
   * that took the callback; if Redis is down they still hear at once, and the others catch up
   * when the outbox publishes again (repeats are dropped by sequence).
   */
  async publish(...messages: StatusEventMessage[]): Promise<void> {
    for (const message of messages) this.local.deliver(message);
    // One PUBLISH per platform for all the events of a commit (a batch of callbacks), not one each.
    const byPlatform = new Map<string, StatusEventMessage[]>();
    for (const message of messages) {
      if (!byPlatform.has(message.platformId)) byPlatform.set(message.platformId, []);
      byPlatform.get(message.platformId)?.push(message);
    }
    await Promise.all(
      [...byPlatform].map(([platformId, own]) =>
        this.publisher.publish(`${CHANNEL_PREFIX}${platformId}`, this.origin + JSON.stringify(own)),
      ),
    );
  }

  subscribe(platformId: string): AsyncIterableIterator<BusItem> {
    return this.local.subscribe(platformId);
  }

  async close(): Promise<void> {
    this.local.closeAll();
    // quit() waits for Redis to answer; if it is down, fall back to dropping the sockets.
    await within(
      Promise.allSettled([this.subscriber.quit(), this.publisher.quit()]).then(() => undefined),
      1000,
      undefined,
    );
    this.subscriber.disconnect();
    this.publisher.disconnect();
  }
}
