import type { Logger } from '../logging/logger';

export interface PeriodicTask {
  name: string;
  everyMs: number;
  run(): Promise<unknown>;
}

/**
 * Periodic maintenance in this process: each task runs on its own interval, never overlapping
 * itself, and a failure is logged and retried on the next tick. Every task here is safe to run
 * on several instances at once (each claims its rows), so scale-out needs no leader.
 */
export class BackgroundTasks {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Map<string, Promise<unknown>>();

  constructor(
    private readonly tasks: PeriodicTask[],
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.timers.length > 0) return;
    for (const task of this.tasks) {
      const timer = setInterval(() => void this.runNow(task.name), task.everyMs);
      timer.unref();
      this.timers.push(timer);
    }
  }

  /** Runs a task now (or joins its current run). */
  runNow(name: string): Promise<unknown> {
    const task = this.tasks.find((each) => each.name === name);
    if (!task) return Promise.reject(new Error(`no task ${name}`));
    let run = this.running.get(name);
    if (!run) {
      run = task
        .run()
        .catch((error) => this.logger.warn({ task: name, err: String(error) }, 'background task failed; will retry'))
        .finally(() => this.running.delete(name));
      this.running.set(name, run);
    }
    return run;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    await Promise.all(this.running.values());
  }
}
