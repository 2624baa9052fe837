import { z } from 'zod';
import { DEFAULT_WEBHOOK_SETTINGS, type WebhookSettings } from '../services/webhooks/webhook-settings';

/**
 * Every setting the process reads from its environment, validated once at start-up so a typo
 * fails loudly with the variable's name instead of surfacing later as a confusing runtime error.
 */
const booleanFlag = z
  .enum(['1', '0', 'true', 'false', 'on', 'off', 'yes', 'no'])
  .transform((value) => ['1', 'true', 'on', 'yes'].includes(value));

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  DATABASE_URL: z
    .string()
    .refine((url) => /^mysql:\/\//.test(url), 'must be a mysql://user:pass@host:port/db URL')
    .optional(),
  /** Where the embedded SQLite file lives when DATABASE_URL is not set. */
  DATA_DIR: z.string().default('data'),
  /** Embedded mode's SQLite engine: better-sqlite3 when it is installed (auto), or sql.js (ADR 0012). */
  SQLITE_ENGINE: z.enum(['auto', 'better-sqlite3', 'sqljs']).default('auto'),
  REDIS_URL: z
    .string()
    .refine((url) => /^rediss?:\/\//.test(url), 'must be a redis:// or rediss:// URL')
    .optional(),
  PUBLIC_URL: z.url({ message: 'must be an absolute http(s) URL' }).optional(),
  /** The address to listen on: localhost by default outside production, every interface in production. */
  HOST: z.string().min(1).optional(),
  /** On by default except in production, where it must be asked for explicitly. */
  SANDBOX: booleanFlag.optional(),
  /** /metrics needs `Authorization: Bearer <METRICS_TOKEN>`; without one it is served only on METRICS_PORT. */
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  /** A port of its own for /metrics (and nothing else), e.g. reachable only from the monitoring network. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  DATA_KEY: z
    .string()
    .refine((key) => decodeDataKey(key) !== undefined, 'must be 32 bytes, as 64 hex characters or base64')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Off in production by default: an attacker should not get the schema for free. */
  INTROSPECTION: booleanFlag.optional(),
  PLAYGROUND: booleanFlag.optional(),
  /** A Server-Timing header on GraphQL answers: our time, vendor time, SQL statements, transactions. */
  SERVER_TIMING: booleanFlag.optional(),
  /** Lifetime of client tokens issued to end users' mobile apps. */
  CLIENT_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86400).default(900),
  /** First query of a payment whose outcome has not arrived by notification; then backing off. */
  PAYMENT_POLL_DELAY_SECONDS: z.coerce.number().int().min(1).max(86400).default(300),
  /** Shouqianba §2.4: query every N seconds while a barcode or QR payment is in progress. */
  UPAY_POLL_INTERVAL_SECONDS: z.coerce.number().min(0.05).max(60).default(5),
  /** Shouqianba §2.4: cancel a barcode payment still in progress after this long. */
  UPAY_BARCODE_DEADLINE_SECONDS: z.coerce.number().min(1).max(3600).default(45),
  /** Shouqianba: cancel an unpaid QR payment after this long (the QR code's life). */
  UPAY_QR_DEADLINE_SECONDS: z.coerce.number().min(1).max(3600).default(240),
  /** Shouqianba per-request timeout; a pay request outliving it is an unknown outcome. */
  UPAY_REQUEST_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(120).default(30),
  /** How long a repeated idempotencyKey waits for the first request before answering. */
  IDEMPOTENCY_WAIT_SECONDS: z.coerce.number().min(0.1).max(300).default(30),
  /** Webhooks: the first retry's wait; each next one doubles (with jitter) up to WEBHOOK_RETRY_MAX_SECONDS. */
  WEBHOOK_RETRY_BASE_SECONDS: z.coerce.number().min(0.01).max(3600).default(30),
  WEBHOOK_RETRY_MAX_SECONDS: z.coerce.number().min(0.01).max(86400).default(10800),
  /** How long a delivery is retried before its endpoint is disabled: 3 days, and never less in production. */
  WEBHOOK_RETRY_WINDOW_SECONDS: z.coerce
    .number()
    .min(0.1)
    .max(30 * 86400)
    .default(3 * 86400),
  /** How long an attempt in flight keeps other instances off its delivery; a crash is redelivered after it. */
  WEBHOOK_LEASE_SECONDS: z.coerce.number().min(0.2).max(3600).default(60),
  /** Only a 2xx within this long counts as delivered (at most 10 s). */
  WEBHOOK_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(10).default(10),
  WEBHOOK_SWEEP_SECONDS: z.coerce.number().min(0.05).max(300).default(5),
  /** Delivered and failed webhook deliveries, with their attempts, are kept this many days. */
  WEBHOOK_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Webhooks to loopback addresses (localhost): on outside production, for developers. */
  WEBHOOK_ALLOW_LOOPBACK: booleanFlag.optional(),
  /** BullMQ queue name: deployments sharing one Redis need different names. */
  JOB_QUEUE: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - only')
    .default('paygraph-jobs'),
});

export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  database:
    { kind: 'sqlite'; file: string; engine?: 'better-sqlite3' | 'sqljs' | 'auto' } | { kind: 'mysql'; url: string };
  dataDir: string;
  redisUrl?: string;
  /** What vendors call back to. Without PUBLIC_URL it follows the port actually bound. */
  publicUrl: string;
  publicUrlExplicit: boolean;
  host: string;
  sandbox: boolean;
  /** SANDBOX was set explicitly (in production the start-up log then warns). */
  sandboxExplicit: boolean;
  metrics: { token?: string; port?: number };
  /** 32 raw bytes; undefined means "generate or load a development key under DATA_DIR". */
  dataKey?: Buffer;
  logLevel: string;
  introspection: boolean;
  playground: boolean;
  serverTiming: boolean;
  clientTokenTtlSeconds: number;
  paymentPollDelayMs: number;
  inStore: InStoreSettings;
  idempotencyWaitMs: number;
  jobQueue: string;
  webhooks: WebhookSettings;
}

/** Shouqianba's poll-then-cancel timing (§2.4), all in milliseconds. */
export interface InStoreSettings {
  pollIntervalMs: number;
  barcodeDeadlineMs: number;
  qrDeadlineMs: number;
  requestTimeoutMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function decodeDataKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  const fromBase64 = Buffer.from(trimmed, 'base64');
  return fromBase64.length === 32 ? fromBase64 : undefined;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const values = parsed.data;
  const isProduction = values.NODE_ENV === 'production';
  if (isProduction && !values.DATA_KEY) {
    throw new ConfigError(['DATA_KEY: required in production (it encrypts vendor secrets and personal data at rest)']);
  }
  if (values.UPAY_REQUEST_TIMEOUT_SECONDS >= values.UPAY_BARCODE_DEADLINE_SECONDS) {
    // Otherwise a pay request could still be in flight when the deadline's cancel is sent.
    throw new ConfigError(['UPAY_REQUEST_TIMEOUT_SECONDS: must be shorter than UPAY_BARCODE_DEADLINE_SECONDS']);
  }
  if (isProduction && values.WEBHOOK_RETRY_WINDOW_SECONDS < 3 * 86400)
    // A receiver down over a long weekend must not lose its endpoint.
    throw new ConfigError(['WEBHOOK_RETRY_WINDOW_SECONDS: at least 3 days (259200) in production']);
  const port = values.PORT;
  return {
    nodeEnv: values.NODE_ENV,
    port,
    database: values.DATABASE_URL
      ? { kind: 'mysql', url: values.DATABASE_URL }
      : { kind: 'sqlite', file: `${values.DATA_DIR}/paygraph.sqlite`, engine: values.SQLITE_ENGINE },
    dataDir: values.DATA_DIR,
    redisUrl: values.REDIS_URL,
    publicUrl: (values.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, ''),
    publicUrlExplicit: values.PUBLIC_URL !== undefined,
    host: values.HOST ?? (isProduction ? '0.0.0.0' : '127.0.0.1'),
    sandbox: values.SANDBOX ?? !isProduction,
    sandboxExplicit: values.SANDBOX !== undefined,
    metrics: { token: values.METRICS_TOKEN, port: values.METRICS_PORT },
    dataKey: values.DATA_KEY ? decodeDataKey(values.DATA_KEY) : undefined,
    logLevel: values.LOG_LEVEL,
    introspection: values.INTROSPECTION ?? !isProduction,
    playground: values.PLAYGROUND ?? !isProduction,
    serverTiming: values.SERVER_TIMING ?? !isProduction,
    clientTokenTtlSeconds: values.CLIENT_TOKEN_TTL_SECONDS,
    paymentPollDelayMs: values.PAYMENT_POLL_DELAY_SECONDS * 1000,
    idempotencyWaitMs: Math.round(values.IDEMPOTENCY_WAIT_SECONDS * 1000),
    inStore: {
      pollIntervalMs: Math.round(values.UPAY_POLL_INTERVAL_SECONDS * 1000),
      barcodeDeadlineMs: Math.round(values.UPAY_BARCODE_DEADLINE_SECONDS * 1000),
      qrDeadlineMs: Math.round(values.UPAY_QR_DEADLINE_SECONDS * 1000),
      requestTimeoutMs: Math.round(values.UPAY_REQUEST_TIMEOUT_SECONDS * 1000),
    },
    jobQueue: values.JOB_QUEUE,
    webhooks: {
      ...DEFAULT_WEBHOOK_SETTINGS,
      retryBaseMs: Math.round(values.WEBHOOK_RETRY_BASE_SECONDS * 1000),
      retryMaxMs: Math.round(values.WEBHOOK_RETRY_MAX_SECONDS * 1000),
      retryWindowMs: Math.round(values.WEBHOOK_RETRY_WINDOW_SECONDS * 1000),
      leaseMs: Math.round(values.WEBHOOK_LEASE_SECONDS * 1000),
      timeoutMs: Math.round(values.WEBHOOK_TIMEOUT_SECONDS * 1000),
      sweepIntervalMs: Math.round(values.WEBHOOK_SWEEP_SECONDS * 1000),
      allowLoopback: values.WEBHOOK_ALLOW_LOOPBACK ?? !isProduction,
      requireHttps: isProduction,
      retentionDays: values.WEBHOOK_RETENTION_DAYS,
    },
  };
}
