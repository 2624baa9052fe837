import 'reflect-metadata';
import { ConfigError, loadConfig } from './config/config';
import { createLogger } from './logging/logger';
import { createRuntime } from './runtime';
import { ensureDemoPlatform } from './services/demo-service';

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
  const base = `http://localhost:${http.port}`;
  logger.info({ url: `${base}/graphql`, database: runtime.services.db.kind }, 'paygraph is listening');
  if (config.sandbox) {
    const demo = await ensureDemoPlatform(runtime.services, { sandboxes: runtime.sandboxes });
    // Printed, not logged: the key is shown to the person at the terminal exactly once.
    if (demo.apiKey) {
      process.stdout.write(
        [
          '',
          'paygraph is running.',
          `  Playground:  ${base}/`,
          `  GraphQL:     ${base}/graphql  (HTTP and graphql-ws)`,
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
        `\npaygraph is running at ${base}/ (demo platform exists; \`npx paygraph demo --new-key\` prints a new key)\n`,
      );
    }
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
