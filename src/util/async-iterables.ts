/**
 * Async-iterator helpers for subscriptions. Not async generators: a generator parked in
 * `await source.next()` cannot be closed until the source yields again, so a subscriber that
 * unsubscribes from a quiet topic would leak its listener forever. These forward `return()`
 * to the source at once.
 */
export function filterAsync<T>(source: AsyncIterable<T>, keep: (value: T) => boolean): AsyncIterableIterator<T> {
  const iterator = source[Symbol.asyncIterator]();
  return {
    async next(): Promise<IteratorResult<T>> {
      for (;;) {
        const result = await iterator.next();
        if (result.done || keep(result.value)) return result;
      }
    },
    async return(value?: unknown): Promise<IteratorResult<T>> {
      await iterator.return?.(value);
      return { done: true, value: undefined };
    },
    async throw(error?: unknown): Promise<IteratorResult<T>> {
      await iterator.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** Calls `onOpen` now and `onClose` exactly once when the iterator finishes or is closed. */
export function trackOpen<T>(
  source: AsyncIterable<T>,
  onOpen: () => void,
  onClose: () => void,
): AsyncIterableIterator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let open = true;
  const close = () => {
    if (open) {
      open = false;
      onClose();
    }
  };
  onOpen();
  return {
    async next(): Promise<IteratorResult<T>> {
      const result = await iterator.next();
      if (result.done) close();
      return result;
    },
    async return(value?: unknown): Promise<IteratorResult<T>> {
      close();
      await iterator.return?.(value);
      return { done: true, value: undefined };
    },
    async throw(error?: unknown): Promise<IteratorResult<T>> {
      close();
      await iterator.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
