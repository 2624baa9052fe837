import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, type AppConfig } from '../src/config/config';
import { createLogger } from '../src/logging/logger';
import { createRuntime } from '../src/runtime';
import { insertTransaction, seedPlatform } from '../test/support/fixtures';
import { exitOnSigterm, targetDatabase } from './target-database';

/**
 * One benchmark target, run in its own process so the load generator (the parent) does not
 * share its event loop. Prints `READY <port> <apiKey>` when it can take traffic.
 *   raw              node:http returning a small JSON body (the baseline)
 *   app sqlite       paygraph on an embedded SQLite file
 *   app mysql <url>  paygraph on a fresh MySQL database
 */
async function main(): Promise<void> {
  const [mode, kind, url] = process.argv.slice(2);
  if (mode === 'raw') {
    const body = JSON.stringify({ data: { viewer: { kind: 'PLATFORM' } } });
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    server.listen(0, '127.0.0.1', () => console.log(`READY ${(server.address() as AddressInfo).port} -`));
    return;
  }
  const { database, cleanUp } = targetDatabase(kind, url, 'pg-bench-');
  const config: AppConfig = {
    ...loadConfig({ NODE_ENV: 'production', DATA_KEY: randomBytes(32).toString('hex') }),
    database,
    logLevel: 'warn',
  };
  const runtime = await createRuntime(config, createLogger('warn'));
  const seeded = await seedPlatform(runtime.services, 'bench', 0);
  for (let n = 0; n < 50; n += 1) {
    await insertTransaction(runtime.services, seeded.platformId, {
      clientId: seeded.clientIds[n % 2],
      bizId: seeded.bizId,
      payerAccountId: seeded.clientAccountIds[n % 2],
      payeeAccountId: seeded.bizAccountId,
    });
  }
  const http = await runtime.startHttp(0, '127.0.0.1');
  console.log(`READY ${http.port} ${seeded.apiKey}`);
  exitOnSigterm(runtime, cleanUp);
}

void main();
