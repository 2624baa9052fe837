import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { loadConfig, type AppConfig } from '../../src/config/config';
import { createLogger } from '../../src/logging/logger';
import type { RunningHttpServer } from '../../src/http/app';
import { createRuntime, type Runtime } from '../../src/runtime';
import type { OutboxSettings } from '../../src/services/events/outbox-relay';
import type { TestDatabase } from './databases';

export interface TestApp {
  runtime: Runtime;
  url: string;
  http: RunningHttpServer;
  /** Every log line the app wrote, parsed, so tests can assert what was (not) logged. */
  logs: Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** A real server on a free loopback port, against a fresh database. */
export async function startTestApp(
  database: TestDatabase,
  overrides: Partial<AppConfig> = {},
  env: NodeJS.ProcessEnv = {},
  options: { outbox?: OutboxSettings; background?: boolean } = {},
): Promise<TestApp> {
  const { settings, drop } = await database.create();
  const config: AppConfig = {
    ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'debug', ...env }),
    database: settings,
    dataKey: randomBytes(32),
    ...overrides,
  };
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      done();
    },
  });
  const runtime = await createRuntime(config, createLogger(config.logLevel, sink), options);
  const http = await runtime.startHttp(0, '127.0.0.1');
  return {
    runtime,
    url: http.url,
    http,
    logs,
    async stop() {
      await runtime.stop();
      await drop();
    },
  };
}
