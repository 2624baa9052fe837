#!/usr/bin/env node
// The operator CLI (`npx paygraph <command>`). Runs the TypeScript sources through SWC, the
// same way `npm start` does, so there is no build step to forget.
require('@swc-node/register');
require('../src/cli/main.ts');
