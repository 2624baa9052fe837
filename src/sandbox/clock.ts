/**
 * The sandboxes' clock: real time plus an offset that tests and the admin endpoint can
 * advance. Timers fire when real time reaches them, or at once when the clock is advanced
 * past them, so a vendor's 24-hour retry schedule plays out in milliseconds.
 */
interface Timer {
  id: number;
  at: number;
  run: () => void | Promise<void>;
  handle: NodeJS.Timeout;
}

export class SandboxClock {
  private offsetMs = 0;
  private nextId = 1;
  private readonly timers = new Map<number, Timer>();

  now(): number {
    return Date.now() + this.offsetMs;
  }

  setTimer(delayMs: number, run: () => void | Promise<void>): number {
    const id = this.nextId++;
    const at = this.now() + Math.max(0, delayMs);
    const handle = setTimeout(() => void this.fire(id), Math.max(0, delayMs));
    handle.unref();
    this.timers.set(id, { id, at, run, handle });
    return id;
  }

  clearTimer(id: number): void {
    const timer = this.timers.get(id);
    if (timer) clearTimeout(timer.handle);
    this.timers.delete(id);
  }

  /** Moves time forward and runs every timer that falls due, in time order, awaiting each. */
  async advance(ms: number): Promise<void> {
    const target = this.now() + ms;
    for (;;) {
      const due = [...this.timers.values()]
        .filter((timer) => timer.at <= target)
        .sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      // Time jumps to the timer, so work it schedules is relative to its own moment.
      this.offsetMs += Math.max(0, due.at - this.now());
      await this.fire(due.id);
    }
    this.offsetMs += Math.max(0, target - this.now());
  }

  /** Timers not yet fired (tests, the admin endpoint). */
  get pending(): number {
    return this.timers.size;
  }

  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer.handle);
    this.timers.clear();
  }

  private async fire(id: number): Promise<void> {
    const timer = this.timers.get(id);
    if (!timer) return;
    this.timers.delete(id);
    clearTimeout(timer.handle);
    await timer.run();
  }
}
