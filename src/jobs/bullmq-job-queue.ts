import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../logging/logger';
import { within } from '../util/timeouts';
import { backoffMs, JOB_FAILURE_BASE_MS, JOB_FAILURE_RETRIES } from '../util/backoff';
import type { JobHandler, JobQueue, JobRequest } from './job-queue';

const QUEUE_NAME = 'paygraph-jobs';
const CLOSE_TIMEOUT_MS = 3000;

interface StoredJob {
  name: string;
  baseId: string;
  attempt: number;
  data: Record<string, unknown>;
}

/**
 * BullMQ on Redis. A job's BullMQ id is its deterministic id (plus `#<attempt>` for retries),
 * and BullMQ ignores an add whose id already exists, so instances that schedule the same
 * work concurrently create one job, run by one worker. Delayed jobs live in Redis and survive
 * restarts of every instance.
 */
export class BullMqJobQueue implements JobQueue {
  readonly kind = 'bullmq' as const;
  private readonly connection: Redis;
  private readonly queue: Queue;
  private worker?: Worker;
  private workerConnection?: Redis;
  onFailure?: (job: string) => void;

  constructor(
    redisUrl: string,
    private readonly logger: Logger,
    private readonly queueName = QUEUE_NAME,
  ) {
    // BullMQ's blocking commands need maxRetriesPerRequest: null.
    this.connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    this.connection.on('error', (error) => this.logger.warn({ err: error.message }, 'job queue redis error'));
    this.queue = new Queue(this.queueName, { connection: this.connection });
    // Without a listener BullMQ prints a lost connection to stderr; it is logged like the rest.
    this.queue.on('error', (error) => this.logger.debug({ err: error.message }, 'job queue redis error'));
  }

  async schedule(request: JobRequest): Promise<void> {
    await this.add({ name: request.name, baseId: request.id, attempt: 1, data: request.data }, request.delayMs);
  }

  async depth(): Promise<number> {
    const counts = await this.queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
    return Object.values(counts).reduce((sum, count) => sum + count, 0);
  }

  async start(handlers: Record<string, JobHandler>): Promise<void> {
    this.worker = new Worker(
      this.queueName,
      async (job: Job<StoredJob>) => {
        const stored = job.data;
        const handler = handlers[stored.name];
        if (!handler) return;
        const outcome = await handler(stored.data, stored.attempt);
        if (!outcome.done) await this.add({ ...stored, attempt: stored.attempt + 1 }, outcome.retryInMs);
      },
      {
        connection: (this.workerConnection = this.connection.duplicate()),
        concurrency: 4,
        // The in-process queue's failure policy: the project's backoff with jitter.
        settings: { backoffStrategy: (attemptsMade: number) => backoffMs(attemptsMade - 1, JOB_FAILURE_BASE_MS) },
      },
    );
    // Without a listener BullMQ prints Redis outages to the console; log them once instead.
    this.worker.on('error', (error) => this.logger.debug({ err: error.message }, 'job worker redis error'));
    this.worker.on('failed', (job, error) => {
      this.onFailure?.(String(job?.data?.name ?? 'unknown'));
      this.logger.warn({ job: job?.data?.name, id: job?.id, err: error.message }, 'job failed');
    });
    await this.worker.waitUntilReady();
  }

  async close(): Promise<void> {
    // BullMQ waits for Redis to close cleanly; with Redis gone that would hang shutdown.
    await within(this.worker?.close() ?? Promise.resolve(), CLOSE_TIMEOUT_MS, undefined);
    await within(this.queue.close(), CLOSE_TIMEOUT_MS, undefined);
    // Connections handed to BullMQ are ours to close.
    for (const connection of [this.workerConnection, this.connection]) connection?.disconnect();
  }

  private async add(stored: StoredJob, delayMs: number): Promise<void> {
    const jobId = stored.attempt === 1 ? stored.baseId : `${stored.baseId}#${stored.attempt}`;
    // BullMQ ignores an add whose id it still keeps, finished jobs included. Work asked for
    // again after its job finished (a row swept at start) must run again, as in-process: only
    // a job still waiting, delayed or running makes the add a duplicate.
    const existing = await this.queue.getJob(jobId);
    if (existing && ['completed', 'failed'].includes(await existing.getState()))
      await existing.remove().catch(() => undefined);
    await this.queue.add(stored.name, stored, {
      jobId,
      delay: Math.max(0, delayMs),
      // A run that throws is retried as in the in-process queue (backoffStrategy above), then
      // kept as failed for a week; completed ones are cleaned up.
      attempts: JOB_FAILURE_RETRIES + 1,
      backoff: { type: 'custom' },
      removeOnComplete: { age: 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  }
}
