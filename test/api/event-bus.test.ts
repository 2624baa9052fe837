import { newId } from '../../src/crypto/ids';
import { createLogger } from '../../src/logging/logger';
import { RedisEventBus, type BusItem, type StatusEventMessage } from '../../src/services/events/event-bus';
import { waitFor } from '../support/wait-for';

const redisUrl = process.env.REDIS_URL;
// CI always sets REDIS_URL; without it (a quick local run) there is no Redis to test against.
const describeWithRedis = redisUrl ? describe : describe.skip;

function message(platformId: string, sequence: number): StatusEventMessage {
  return {
    id: newId(),
    platformId,
    sequence,
    entityKind: 'TRANSACTION',
    entityId: newId(),
    clientId: null,
    bizId: null,
    parentId: null,
    fromStatus: 'PROCESSING',
    toStatus: 'SUCCEEDED',
    source: 'CALLBACK',
    terminal: true,
    detail: null,
    createdAt: new Date().toISOString(),
  };
}

/** Collects what a bus subscription reads, as it arrives. */
function collect(iterator: AsyncIterableIterator<BusItem>): number[] {
  const sequences: number[] = [];
  void (async () => {
    for await (const item of iterator) if (item.kind === 'event') sequences.push(item.message.sequence);
  })();
  return sequences;
}

describeWithRedis('the Redis event bus', () => {
  let first: RedisEventBus;
  let second: RedisEventBus;

  beforeAll(async () => {
    const logger = createLogger('silent');
    [first, second] = await Promise.all([
      RedisEventBus.connect(redisUrl as string, logger),
      RedisEventBus.connect(redisUrl as string, logger),
    ]);
  });

  afterAll(async () => {
    await Promise.all([first.close(), second.close()]);
  });

  it("delivers an instance's own events to its subscribers at once, once, and to the others through Redis", async () => {
    const platformId = newId();
    const heardByFirst = collect(first.subscribe(platformId));
    const heardBySecond = collect(second.subscribe(platformId));
    // The events of one commit, published together (one message on the channel).
    const published = first.publish(message(platformId, 1), message(platformId, 2));
    await waitFor(() => heardByFirst.length === 2, 'the local delivery');
    await published;
    await waitFor(() => heardBySecond.length === 2, 'the other instance to hear them through Redis');
    // Redis keeps the order on a connection: once the first instance hears the second's
    // event, its own copy from Redis has come and gone.
    await second.publish(message(platformId, 3));
    await waitFor(() => heardByFirst.length === 3, 'the third event');
    expect(heardByFirst).toEqual([1, 2, 3]);
    expect(heardBySecond).toEqual([1, 2, 3]);
  });
});
