import 'reflect-metadata';
import { ConfigError, loadConfig } from './config/config';
import { createLogger } from './logging/logger';
import { createRuntime } from './runtime';
import { ensureDemoPlatform } from './services/tenancy/demo-platform';

/** `npm start`: the whole product in one process on the embedded defaults. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const runtime = await createRuntime(config, logger);
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await runtime.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  const http = await runtime.startHttp();
  const shownHost = ['0.0.0.0', '::', '127.0.0.1'].includes(config.host) ? 'localhost' : config.host;
  const base = `http://${shownHost}:${http.port}`;
  logger.info(
    { url: `${base}/graphql`, host: config.host, database: runtime.services.db.kind, sandbox: config.sandbox },
    'paygraph is listening',
  );
  // Only what this server answers: the playground is off in production unless asked for.
  const urls = [
    ...(config.playground ? [`  Playground:  ${base}/`] : []),
    `  GraphQL:     ${base}/graphql  (HTTP and graphql-ws)`,
  ];
  if (config.sandbox) {
    const demo = await ensureDemoPlatform(runtime.services, { sandboxes: runtime.sandboxes });
    // Printed, not logged: the key is shown to the person at the terminal exactly once.
    if (demo.apiKey) {
      process.stdout.write(
        [
          '',
          'paygraph is running.',
          ...urls,
          '',
          'A demo platform was created. Its API key (shown once; `npx paygraph demo --new-key` makes another):',
          `  ${demo.apiKey}`,
          '',
          'In the playground, open the Headers tab and paste:',
          `  {"Authorization": "Bearer ${demo.apiKey}"}`,
          '',
          'Or with curl:',
          `  curl -s ${base}/graphql -H 'content-type: application/json' \\`,
          `    -H 'authorization: Bearer ${demo.apiKey}' \\`,
          `    -d '{"query":"{ viewer { kind platform { name } } clients(first: 5) { nodes { id name } } }"}'`,
          '',
        ].join('\n'),
      );
    } else {
      process.stdout.write(
        [
          '',
          'paygraph is running.',
          ...urls,
          '',
          'The demo platform exists; its key was shown when it was created. `npx paygraph demo --new-key` prints a new one.',
          '',
        ].join('\n'),
      );
    }
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
