import { createPubSub } from '@graphql-yoga/subscription';
import { trackOpen } from '../util/async-iterables';

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
  fromStatus: string | null;
  toStatus: string;
  source: string;
  terminal: boolean;
  createdAt: string;
}

export interface EventBus {
  publish(message: StatusEventMessage): void;
  /** Events of one platform, in publish order. */
  subscribe(platformId: string): AsyncIterable<StatusEventMessage>;
  /** How many subscriptions are listening right now (health, tests). */
  readonly activeSubscriptions: number;
  close(): Promise<void>;
}

/** The embedded default: one process, no broker. */
export class InProcessEventBus implements EventBus {
  private readonly pubSub = createPubSub<Record<string, [StatusEventMessage]>>();
  activeSubscriptions = 0;

  publish(message: StatusEventMessage): void {
    this.pubSub.publish(`status:${message.platformId}`, message);
  }

  subscribe(platformId: string): AsyncIterable<StatusEventMessage> {
    return trackOpen(
      this.pubSub.subscribe(`status:${platformId}`),
      () => (this.activeSubscriptions += 1),
      () => (this.activeSubscriptions -= 1),
    );
  }

  async close(): Promise<void> {}
}
