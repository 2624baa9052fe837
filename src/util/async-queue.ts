/**
 * A push-based async iterator: producers `push`, one consumer iterates. The listener that feeds
 * it is attached before the consumer's first `next()`, so nothing published in between is lost
 * (unlike lazily-started iterators), and `return()` detaches at once even while a `next()` is
 * pending.
 */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  private readonly buffered: T[] = [];
  private waiting?: (result: IteratorResult<T>) => void;
  private closed = false;

  constructor(private readonly onClose: () => void = () => undefined) {}

  push(value: T): void {
    if (this.closed) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ done: false, value });
    } else {
      this.buffered.push(value);
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.buffered.length > 0) return Promise.resolve({ done: false, value: this.buffered.shift() as T });
    if (this.closed) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<T>> {
    this.close();
    return Promise.resolve({ done: true, value: undefined });
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    this.close();
    return Promise.reject(error);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.buffered.length = 0;
    this.waiting?.({ done: true, value: undefined });
    this.waiting = undefined;
    this.onClose();
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
