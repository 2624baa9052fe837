interface Entry<I, R> {
  item: I;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: items submitted under the same key are written in batches, one at a time per
 * key. While a batch is being written, new items queue up and go together in the next one. An
 * item that arrives when nothing is in flight starts a batch of one at once, so a quiet system
 * adds no latency, while under load one database transaction carries many items and the cost
 * of a commit (and of a lock that serialises a key's writers) is shared among them.
 *
 * If a batch fails, its items are written again one by one, so a single bad item fails alone.
 */
export class GroupCommit<I, R> {
  private readonly queues = new Map<string, Array<Entry<I, R>>>();

  constructor(
    private readonly write: (key: string, items: I[]) => Promise<R[]>,
    private readonly maxBatch = 200,
  ) {}

  /** Items in batches being written right now (tests, health). */
  writing = 0;

  /** Items submitted and not yet taken into a batch (tests, health). */
  get queued(): number {
    let count = 0;
    for (const queue of this.queues.values()) count += queue.length;
    return count;
  }

  submit(key: string, item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const queue = this.queues.get(key);
      if (queue) {
        queue.push({ item, resolve, reject });
        return;
      }
      this.queues.set(key, [{ item, resolve, reject }]);
      void this.drain(key);
    });
  }

  /** Writes the key's queue batch by batch until it is empty; the queue exists while this runs. */
  private async drain(key: string): Promise<void> {
    const queue = this.queues.get(key) as Array<Entry<I, R>>;
    while (queue.length > 0) await this.writeBatch(key, queue.splice(0, this.maxBatch));
    this.queues.delete(key);
  }

  private async writeBatch(key: string, batch: Array<Entry<I, R>>): Promise<void> {
    let results: R[];
    this.writing += batch.length;
    try {
      results = await this.write(
        key,
        batch.map((entry) => entry.item),
      );
    } catch (error) {
      this.writing -= batch.length;
      if (batch.length === 1) return batch[0].reject(error);
      for (const entry of batch) await this.writeBatch(key, [entry]);
      return;
    }
    this.writing -= batch.length;
    batch.forEach((entry, index) => entry.resolve(results[index]));
  }
}
