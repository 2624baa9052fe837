import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { AppConfig } from '../../src/config/config';
import { startTestApp, type TestApp } from './app';
import { testDatabases, type TestDatabase } from './databases';
import { PROJECT_ROOT, startProcess, waitForOutput, type RunningProcess } from './processes';

const mysql = testDatabases().find((database) => database.name === 'mysql');
const redisUrl = process.env.REDIS_URL;

/** `describe` when MySQL and Redis are configured (always in CI); embedded mode has one process. */
export const describeWithMysqlAndRedis = mysql && redisUrl ? describe : describe.skip;

export interface TwoInstances {
  /** In this process, so tests can reach its services and sandboxes. */
  a: TestApp;
  /** A separate server process on the same MySQL, Redis, DATA_KEY and job queue. */
  b: RunningProcess;
  urlB: string;
  stop(): Promise<void>;
}

/** Two paygraph instances sharing one fresh MySQL database, one Redis and one job queue. */
export async function startTwoInstances(
  overrides: Partial<AppConfig> = {},
  envB: NodeJS.ProcessEnv = {},
): Promise<TwoInstances> {
  const created = await (mysql as TestDatabase).create();
  const dataKey = randomBytes(32);
  const jobQueue = `paygraph-test-${randomBytes(4).toString('hex')}`;
  const shared: TestDatabase = {
    name: 'mysql',
    create: async () => ({ settings: created.settings, drop: async () => undefined }),
  };
  const a = await startTestApp(shared, { redisUrl, dataKey, jobQueue, ...overrides });
  const b = startProcess(['-r', '@swc-node/register', join(PROJECT_ROOT, 'test', 'support', 'instance.ts')], {
    DATABASE_URL: created.settings.kind === 'mysql' ? created.settings.url : '',
    REDIS_URL: redisUrl,
    DATA_KEY: dataKey.toString('hex'),
    JOB_QUEUE: jobQueue,
    LOG_LEVEL: 'warn',
    SANDBOX: 'off',
    ...envB,
  });
  const [, port] = await waitForOutput(b, /READY (\d+)/, 'instance B');
  return {
    a,
    b,
    urlB: `http://127.0.0.1:${port}`,
    async stop() {
      await b.stop();
      await a.stop();
      await created.drop();
    },
  };
}
