/** Filters an async iterable lazily, closing the source when the consumer stops. */
export async function* filterAsync<T>(source: AsyncIterable<T>, keep: (value: T) => boolean): AsyncGenerator<T> {
  for await (const value of source) {
    if (keep(value)) yield value;
  }
}
