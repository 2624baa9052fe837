interface Entry<I, R> {
  item: I;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

interface KeyState<I, R> {
  queue: Array<Entry<I, R>>;
  /** Batches of this key being written right now. */
  writers: number;
}

/**
 * Group commit: items submitted under the same key are written in batches. While a key's
 * batch is being written, new items queue up and go together in the next one. An item that
 * arrives when the key has a free writer starts a batch at once, so a quiet system adds no
 * latency, while under load one database transaction carries many items and the cost of a
 * commit (and of a lock that serialises a key's writers) is shared among them.
 *
 * `concurrency` batches of a key may be in flight at once: with two, one batch's round trips
 * to the database overlap the other's, and the database's own locks keep them correct.
 *
 * If a batch fails, its items are written again one by one, so a single bad item fails alone.
 */
export class GroupCommit<I, R> {
  private readonly keys = new Map<string, KeyState<I, R>>();
  /** Items in batches being written right now (tests, health). */
  writing = 0;

  constructor(
    private readonly write: (key: string, items: I[]) => Promise<R[]>,
    private readonly options: { maxBatch?: number; concurrency?: number } = {},
  ) {}

  /** Items submitted and not yet taken into a batch (tests, health). */
  get queued(): number {
    let count = 0;
    for (const state of this.keys.values()) count += state.queue.length;
    return count;
  }

  submit(key: string, item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let state = this.keys.get(key);
      if (!state) this.keys.set(key, (state = { queue: [], writers: 0 }));
      state.queue.push({ item, resolve, reject });
      if (state.writers < (this.options.concurrency ?? 1)) {
        state.writers += 1;
        void this.drain(key, state);
      }
    });
  }

  /** Writes the key's queue batch by batch until it is empty. */
  private async drain(key: string, state: KeyState<I, R>): Promise<void> {
    while (state.queue.length > 0) await this.writeBatch(key, state.queue.splice(0, this.options.maxBatch ?? 200));
    state.writers -= 1;
    if (state.writers === 0 && this.keys.get(key) === state) this.keys.delete(key);
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
