import type { Logger } from '../logging/logger';
import { backoffMs, JOB_FAILURE_BASE_MS, JOB_FAILURE_RETRIES } from '../util/backoff';

/** What a job handler tells the queue: finished, or run me again later. */
export type JobOutcome = { done: true } | { done: false; retryInMs: number };

export interface JobRequest<T = Record<string, unknown>> {
  /** The handler to run. */
  name: string;
  /**
   * Deterministic id: scheduling the same id twice (from any instance) runs the job once.
   * Retries get `<id>#<attempt>`, so each attempt is also scheduled once.
   */
  id: string;
  data: T;
  delayMs: number;
}

export type JobHandler = (data: Record<string, unknown>, attempt: number) => Promise<JobOutcome>;

/**
 * Background jobs (polling unknown outcomes, retries, reconciliation). In-process by default;
 * BullMQ on Redis when REDIS_URL is set, where jobs survive restarts and each runs on exactly
 * one instance.
 */
export interface JobQueue {
  readonly kind: 'in-process' | 'bullmq';
  schedule(request: JobRequest): Promise<void>;
  /** Starts running jobs with these handlers. */
  start(handlers: Record<string, JobHandler>): Promise<void>;
  close(): Promise<void>;
  /** Jobs waiting, delayed or running. */
  depth(): Promise<number>;
  /** Set by the runtime: called with the job's name whenever a run throws. */
  onFailure?: (job: string) => void;
}

interface Pending {
  request: JobRequest;
  attempt: number;
  timer: NodeJS.Timeout;
}

/**
 * Timers in this process. Nothing survives a restart here, so on start the services reschedule
 * from the database (the source of truth) what still needs work.
 */
export class InProcessJobQueue implements JobQueue {
  readonly kind = 'in-process' as const;
  private readonly pending = new Map<string, Pending>();
  private handlers: Record<string, JobHandler> = {};
  private running = new Set<Promise<void>>();
  private closed = false;

  onFailure?: (job: string) => void;

  constructor(private readonly logger: Logger) {}

  async schedule(request: JobRequest): Promise<void> {
    this.enqueue(request, 1);
  }

  async depth(): Promise<number> {
    return this.pending.size + this.running.size;
  }

  async start(handlers: Record<string, JobHandler>): Promise<void> {
    this.handlers = handlers;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const entry of this.pending.values()) clearTimeout(entry.timer);
    this.pending.clear();
    await Promise.all(this.running);
  }

  private enqueue(request: JobRequest, attempt: number, failures = 0): void {
    const key =
      attempt === 1 && failures === 0 ? request.id : `${request.id}#${attempt}${failures ? `!${failures}` : ''}`;
    if (this.closed || this.pending.has(key)) return;
    const timer = setTimeout(() => {
      this.pending.delete(key);
      const run = this.run(request, attempt, failures).finally(() => this.running.delete(run));
      this.running.add(run);
    }, request.delayMs);
    timer.unref();
    this.pending.set(key, { request, attempt, timer });
  }

  /**
   * A handler that throws is run again with the project's backoff, JOB_FAILURE_RETRIES times,
   * then given up and logged at error level: the same policy as the BullMQ queue's.
   */
  private async run(request: JobRequest, attempt: number, failures: number): Promise<void> {
    const handler = this.handlers[request.name];
    if (!handler) return;
    try {
      const outcome = await handler(request.data, attempt);
      if (!outcome.done) this.enqueue({ ...request, delayMs: outcome.retryInMs }, attempt + 1);
    } catch (error) {
      this.onFailure?.(request.name);
      if (failures >= JOB_FAILURE_RETRIES) {
        this.logger.error({ job: request.name, id: request.id, err: String(error) }, 'job failed too often; given up');
        return;
      }
      const delayMs = backoffMs(failures, JOB_FAILURE_BASE_MS);
      this.logger.warn(
        { job: request.name, id: request.id, err: String(error), retryInMs: delayMs },
        'job failed; retrying',
      );
      this.enqueue({ ...request, delayMs }, attempt, failures + 1);
    }
  }
}
