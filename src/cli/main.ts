import { Command, CommanderError } from 'commander';
import type { AddressInfo } from 'node:net';
import { loadConfig, type AppConfig } from '../config/config';
import type { Runtime } from '../runtime';
import { SANDBOX_VENDORS, type SandboxVendor } from '../sandbox/vendors';

/**
 * The heavy modules (TypeORM, Apollo, the sandboxes) load only when a command runs them, so
 * `--help` and usage errors answer at once.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const load = {
  database: () => require('../db/database') as typeof import('../db/database'),
  globalId: () => require('../graphql/global-id') as typeof import('../graphql/global-id'),
  logger: () => require('../logging/logger') as typeof import('../logging/logger'),
  runtime: () => {
    require('reflect-metadata');
    return require('../runtime') as typeof import('../runtime');
  },
  sandboxes: () => require('../sandbox/sandboxes') as typeof import('../sandbox/sandboxes'),
  demo: () => require('../services/tenancy/demo-platform') as typeof import('../services/tenancy/demo-platform'),
  express: () => require('express') as typeof import('express'),
};
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * `npx paygraph <command>`. Every command prints one JSON document on stdout; logs and errors
 * go to stderr, so the output can be piped straight into jq or a deployment script.
 */
function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

function config(): AppConfig {
  return loadConfig();
}

async function withRuntime<T>(work: (runtime: Runtime) => Promise<T>): Promise<T> {
  const settings = config();
  // Logs go to stderr so stdout stays pure JSON.
  const { createLogger } = load.logger();
  const runtime = await load
    .runtime()
    .createRuntime(settings, createLogger(settings.logLevel === 'info' ? 'warn' : settings.logLevel, process.stderr), {
      background: false,
    });
  try {
    return await work(runtime);
  } finally {
    await runtime.stop();
  }
}

/** Accepts a raw platform id or its Relay global id. */
function platformIdFrom(text: string): string {
  if (/^[0-9a-f-]{36}$/.test(text)) return text;
  const { type, id } = load.globalId().fromGlobalId(text);
  if (type !== 'Platform') throw new Error('--platform must be a platform id');
  return id;
}

export function buildProgram(): Command {
  const program = new Command('paygraph').description('paygraph operator commands (JSON on stdout)');
  // Usage errors are answered as JSON on stderr by main(), like every other error.
  program.exitOverride().configureOutput({ writeErr: () => undefined });

  program
    .command('migrate')
    .description('Apply pending database migrations')
    .action(async () => {
      const settings = config();
      const { Database } = load.database();
      const database = new Database(settings.database, load.logger().createLogger('warn', process.stderr));
      await database.open({ migrate: false });
      try {
        const applied = await database.migrate();
        print({ database: database.kind, applied });
      } finally {
        await database.close();
      }
    });

  program
    .command('platform:create')
    .description('Create a platform (tenant) and its first API key')
    .requiredOption('--name <name>', 'display name of the platform')
    .action(async (options: { name: string }) => {
      await withRuntime(async (runtime) => {
        const { platform, apiKey } = await runtime.services.platforms.createPlatform(options.name);
        print({ id: platform.id, name: platform.name, apiKey });
      });
    });

  program
    .command('apikey:create')
    .description('Create another API key for a platform')
    .requiredOption('--platform <id>', 'platform id')
    .option('--label <label>', 'what the key is for', 'cli')
    .action(async (options: { platform: string; label: string }) => {
      await withRuntime(async (runtime) => {
        const { apiKey, row } = await runtime.services.platforms.createApiKey(
          platformIdFrom(options.platform),
          options.label,
        );
        print({ id: row.id, platformId: row.platformId, apiKey });
      });
    });

  program
    .command('demo')
    .description('Create the demo platform (idempotent) and print how to use it')
    .option('--new-key', 'mint a new API key for an existing demo platform')
    .action(async (options: { newKey?: boolean }) => {
      await withRuntime(async (runtime) => {
        const demo = await load.demo().ensureDemoPlatform(runtime.services, { newKey: options.newKey });
        print({
          id: demo.platformId,
          created: demo.created,
          apiKey: demo.apiKey ?? null,
          playgroundHeaders: demo.apiKey ? { Authorization: `Bearer ${demo.apiKey}` } : null,
        });
      });
    });
  program
    .command('sandbox <vendor>')
    .description(`Run a vendor sandbox on its own port (${SANDBOX_VENDORS.join(', ')}); it serves until stopped`)
    .option('--port <port>', 'port to listen on', '4100')
    .option('--merchant <id>', 'register a merchant (cashier) or terminal (shouqianba) and print its key')
    .action(async (vendor: string, options: { port: string; merchant?: string }) => {
      if (!(SANDBOX_VENDORS as readonly string[]).includes(vendor)) {
        throw new Error(`unknown sandbox ${vendor}; choose one of ${SANDBOX_VENDORS.join(', ')}`);
      }
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be a port number');
      const logger = load.logger().createLogger(process.env.LOG_LEVEL ?? 'info', process.stderr);
      const { Sandboxes } = load.sandboxes();
      const sandbox = Sandboxes.create(vendor as SandboxVendor, logger, '');
      const app = load.express()();
      app.use('/', sandbox.router());
      const server = app.listen(port, '0.0.0.0');
      await new Promise<void>((resolve) => server.once('listening', () => resolve()));
      const actual = (server.address() as AddressInfo).port;
      const merchant = options.merchant ? Sandboxes.registerAccount(sandbox, options.merchant) : undefined;
      print({ vendor, baseUrl: `http://localhost:${actual}`, merchant: merchant ?? null });
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      sandbox.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
  return program;
}

async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version print to stdout and succeed; anything else is a usage error.
      if (error.exitCode === 0) return;
      process.stderr.write(
        `${JSON.stringify({ error: error.message.replace(/^error: /, ''), usage: 'paygraph --help' })}\n`,
      );
      process.exitCode = 2;
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${JSON.stringify({ error: message })}\n`);
    process.exitCode = 1;
  }
}

void main(process.argv);
