import {
  createSourceEventStream,
  execute,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLError,
  print,
} from 'graphql';
import { FAN_OUT_CHUNK, yieldToEventLoop } from '../services/events/event-stream';
import type { RequestContext } from './context';

/** How long an executed payload is kept for the rest of its group (every member asks within one fan-out). */
const SHARED_RESULT_MS = 5_000;

/**
 * Who may see what: two subscribers with the same key see the same rows and fields. A
 * platform's API keys all see the platform; a client token sees its client only.
 */
function visibilityOf(context: RequestContext): string {
  const viewer = context.viewer;
  if (viewer.kind === 'platform') return `platform:${viewer.platformId}`;
  if (viewer.kind === 'client') return `client:${viewer.platformId}:${viewer.clientId}`;
  return 'anonymous';
}

/**
 * Executes a subscription's payload once per group of subscribers that would get the same
 * result (same document, operation, variables and visibility) for the same event, and shares
 * it, as Hasura multiplexes live queries: one status event to ten thousand subscribers of a
 * platform costs one execution, not ten thousand. The source stream stays per subscriber
 * (its own filter and resume cursor); only the payload of an event is shared.
 */
export class SharedSubscriptionExecution {
  private readonly results = new Map<string, SharedResult>();
  private readonly documentKeys = new WeakMap<object, string>();
  executions = 0;

  readonly subscribe = async (args: ExecutionArgs): Promise<AsyncGenerator<ExecutionResult> | ExecutionResult> => {
    const source = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in source)) return source;
    const group = this.groupOf(args);
    return this.payloads(source, group, args);
  };

  /**
   * The source's events mapped to their payloads. Not an async generator: a generator waiting
   * for the next event would hold a client's `complete` until one arrived, so `return` goes
   * straight to the source (which leaves its feed), as graphql-js's own mapping does.
   */
  private payloads(
    source: AsyncIterable<unknown>,
    group: string,
    args: ExecutionArgs,
  ): AsyncGenerator<ExecutionResult> {
    const events = source[Symbol.asyncIterator]();
    const payload = async (step: IteratorResult<unknown>): Promise<IteratorResult<ExecutionResult>> =>
      step.done
        ? { done: true, value: undefined }
        : { done: false, value: await this.payloadOf(step.value, group, args) };
    const done = (): Promise<IteratorResult<ExecutionResult>> => Promise.resolve({ done: true, value: undefined });
    const iterator = {
      next: () => events.next().then(payload),
      return: () => (events.return ? events.return().then(done) : done()),
      throw: (error?: unknown) => (events.throw ? events.throw(error).then(payload) : Promise.reject(error)),
      [Symbol.asyncIterator]: () => iterator,
    };
    // All graphql-ws uses of an AsyncGenerator (next, return, throw, iteration).
    return iterator as unknown as AsyncGenerator<ExecutionResult>;
  }

  /** The payload of one event for one group: executed by the first member to ask, then shared. */
  private payloadOf(event: unknown, group: string, args: ExecutionArgs): ExecutionResult | Promise<ExecutionResult> {
    const sequence = (event as { sequence?: number })?.sequence;
    if (sequence === undefined) return this.run(event, args);
    const key = `${group}|${sequence}`;
    let shared = this.results.get(key);
    if (!shared) {
      const entry: SharedResult = { waiters: [] };
      shared = entry;
      this.results.set(key, entry);
      setTimeout(() => this.results.delete(key), SHARED_RESULT_MS).unref();
      void this.run(event, args).then((result) => release(entry, result));
    }
    if (shared.result) return shared.result;
    const pending = shared;
    return new Promise((resolve) => pending.waiters.push(resolve));
  }

  private async run(event: unknown, args: ExecutionArgs): Promise<ExecutionResult> {
    this.executions += 1;
    try {
      return await execute({ ...args, rootValue: event });
    } catch (error) {
      return { errors: [error as GraphQLError] };
    }
  }

  private groupOf(args: ExecutionArgs): string {
    let document = this.documentKeys.get(args.document);
    if (document === undefined) {
      document = print(args.document);
      this.documentKeys.set(args.document, document);
    }
    const variables = JSON.stringify(args.variableValues ?? {});
    return `${visibilityOf(args.contextValue as RequestContext)}|${args.operationName ?? ''}|${variables}|${document}`;
  }
}

interface SharedResult {
  result?: ExecutionResult;
  /** Members that asked before the result was there. */
  waiters: Array<(result: ExecutionResult) => void>;
}

/**
 * Hands a finished result to the members waiting for it in chunks that yield to the event loop
 * between them, so that sending to thousands of sockets does not hold up other requests.
 * Members asking later get it at once.
 */
async function release(entry: SharedResult, result: ExecutionResult): Promise<void> {
  entry.result = result;
  const waiters = entry.waiters;
  entry.waiters = [];
  for (let start = 0; start < waiters.length; start += FAN_OUT_CHUNK) {
    if (start > 0) await yieldToEventLoop();
    for (const resolve of waiters.slice(start, start + FAN_OUT_CHUNK)) resolve(result);
  }
}
