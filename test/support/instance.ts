import 'reflect-metadata';
import { loadConfig } from '../../src/config/config';
import { createLogger } from '../../src/logging/logger';
import { createRuntime } from '../../src/runtime';

/**
 * A second paygraph instance for multi-process tests: configured only by its environment
 * (DATABASE_URL, REDIS_URL, DATA_KEY), prints `READY <port>` once it serves.
 */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const runtime = await createRuntime(config, createLogger(config.logLevel, process.stderr));
  const http = await runtime.startHttp(0, '127.0.0.1');
  process.stdout.write(`READY ${http.port}\n`);
  process.once('SIGTERM', () => void runtime.stop().then(() => process.exit(0)));
}

main().catch((error) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
