import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { loadConfig, type AppConfig } from '../src/config/config';
import { newId } from '../src/crypto/ids';
import { CURRENCY_CNY, RecordStatus, TransactionKind, TransactionStatus, Vendor } from '../src/domain/enums';
import { Client, Transaction } from '../src/entities';
import { createLogger } from '../src/logging/logger';
import { createRuntime } from '../src/runtime';
import { exitOnSigterm, targetDatabase } from './target-database';

/**
 * Target of the callback→subscriber benchmark: a platform with the cashier configured, CLIENTS
 * clients and PER_CLIENT open payments each, written in bulk. Writes what the load generator
 * needs to the JSON file named by argv[3], then prints READY.
 *   node bench/callback-server.ts <sqlite|mysql> <out.json> [mysqlUrl]
 * With BENCH_SECONDARY set it seeds nothing and only serves, as a further instance on the same
 * MySQL and Redis, and writes just its port.
 */
async function main(): Promise<void> {
  const [kind, outFile, url] = process.argv.slice(2);
  const clients = Number(process.env.BENCH_CLIENTS ?? 1000);
  const perClient = Number(process.env.BENCH_PAYMENTS_PER_CLIENT ?? 3);
  const dataKey = process.env.DATA_KEY as string;
  const { database, cleanUp } = targetDatabase(kind, url, 'pg-cb-');
  const config: AppConfig = {
    ...loadConfig({
      NODE_ENV: 'production',
      DATA_KEY: dataKey,
      REDIS_URL: process.env.REDIS_URL,
      JOB_QUEUE: `bench-${randomBytes(3).toString('hex')}`,
    }),
    database,
    logLevel: 'warn',
    sandbox: false,
  };
  const runtime = await createRuntime(config, createLogger('warn'));
  exitOnSigterm(runtime, cleanUp);
  if (process.env.BENCH_SECONDARY) {
    // Another instance on the same MySQL and Redis: it only serves.
    const http = await runtime.startHttp(0, '127.0.0.1');
    writeFileSync(outFile, JSON.stringify({ port: http.port }));
    console.log('READY');
    return;
  }
  const { services } = runtime;
  const { platform, apiKey } = await services.platforms.createPlatform('bench');
  const signKey = randomBytes(16).toString('hex');
  await services.providerConfigs.configure(
    { platformId: platform.id },
    {
      vendor: Vendor.CASHIER,
      baseUrl: 'http://127.0.0.1:9/unused',
      credentials: { signKey },
      options: { merchantId: 'BENCH1' },
    },
  );
  const clientRows: Client[] = [];
  const payments: Array<{ orderNo: string; clientId: string; amountFen: number }> = [];
  const transactionRows: Transaction[] = [];
  for (let c = 0; c < clients; c += 1) {
    const clientId = newId();
    clientRows.push(
      Object.assign(new Client(), {
        id: clientId,
        platformId: platform.id,
        externalRef: `bench-${c}`,
        vendorRef: null,
        nameCiphertext: 'v1:',
        mobileCiphertext: null,
        mobileIndex: null,
        status: RecordStatus.ACTIVE,
      }),
    );
    for (let p = 0; p < perClient; p += 1) {
      const id = newId();
      const orderNo = id.replace(/-/g, '');
      transactionRows.push(
        Object.assign(new Transaction(), {
          id,
          platformId: platform.id,
          vendor: Vendor.CASHIER,
          kind: TransactionKind.PAYMENT,
          parentId: null,
          clientId,
          bizId: null,
          payerAccountId: null,
          payeeAccountId: null,
          amountFen: 100 + p,
          currency: CURRENCY_CNY,
          status: TransactionStatus.PROCESSING,
          orderNo,
          vendorRef: null,
          description: null,
          vendorData: { method: 'CHECKOUT', action: 'Bank', returnUrl: null, payerCiphertext: null },
        }),
      );
      payments.push({ orderNo, clientId, amountFen: 100 + p });
    }
  }
  await services.db.transaction(async (manager) => {
    for (let i = 0; i < clientRows.length; i += 200) await manager.insert(Client, clientRows.slice(i, i + 200));
    for (let i = 0; i < transactionRows.length; i += 200)
      await manager.insert(Transaction, transactionRows.slice(i, i + 200) as never);
  });
  const http = await runtime.startHttp(0, '127.0.0.1');
  writeFileSync(
    outFile,
    JSON.stringify({ port: http.port, platformId: platform.id, apiKey, signKey, merchantId: 'BENCH1', payments }),
  );
  console.log('READY');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
