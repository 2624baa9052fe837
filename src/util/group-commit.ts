interface Entry<I, R> {
  item: I;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

interface KeyState<I, R> {
  queue: Array<Entry<I, R>>;
  /** Whether a batch of this key is being written (or about to be) right now. */
  writing: boolean;
}

/**
 * Group commit: items submitted under the same key are written in batches, one batch of a key
 * at a time. While a key's batch is being written, new items queue up and go together in the
 * next one, so under load one database transaction carries many items and the cost of a
 * commit (and of the lock that serialises a key's writers) is shared among them.
 *
 * A batch starts at the end of the event-loop turn in which its first item arrived
 * (setImmediate): every item read from the network in that same turn joins it, and a quiet
 * system adds no wait. That matters most for a synchronous database (SQLite), during whose
 * writes the loop reads nothing new.
 *
 * If a batch fails, its items are written again one by one, so a single bad item fails alone.
 */
export class GroupCommit<I, R> {
  private readonly keys = new Map<string, KeyState<I, R>>();
  /** Items in batches being written right now (tests, health). */
  writing = 0;

  constructor(
    private readonly write: (key: string, items: I[]) => Promise<R[]>,
    private readonly options: {
      maxBatch?: number;
      /**
       * Wait this long for more items before a batch starts, instead of only the end of the
       * event-loop turn: for writes that are off the latency path, where fewer commits matter more.
       */
      lingerMs?: number;
    } = {},
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
      if (!state) this.keys.set(key, (state = { queue: [], writing: false }));
      state.queue.push({ item, resolve, reject });
      if (!state.writing) {
        state.writing = true;
        const started = state;
        if (this.options.lingerMs) setTimeout(() => void this.drain(key, started), this.options.lingerMs);
        else setImmediate(() => void this.drain(key, started));
      }
    });
  }

  /** Writes the key's queue batch by batch until it is empty. */
  private async drain(key: string, state: KeyState<I, R>): Promise<void> {
    while (state.queue.length > 0) await this.writeBatch(key, state.queue.splice(0, this.options.maxBatch ?? 200));
    state.writing = false;
    if (this.keys.get(key) === state) this.keys.delete(key);
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
