#!/usr/bin/env node
// The operator CLI (`npx paygraph <command>`). In production (NODE_ENV=production) it runs the
// built code (`npm run build`); elsewhere the TypeScript sources through SWC, as `npm start`
// does, so there is no build step to forget while developing.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const built = join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
if (process.env.NODE_ENV === 'production') {
  if (!existsSync(built)) {
    process.stderr.write(`${JSON.stringify({ error: 'dist/ is missing: run `npm run build` first' })}\n`);
    process.exit(1);
  }
  require(built);
} else {
  require('@swc-node/register');
  require('../src/cli/main.ts');
}
