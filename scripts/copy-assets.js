// `npm run build`: tsc compiles the TypeScript; this copies what tsc does not, the files the
// built server reads at run time (the playground page and its script).
const { cpSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
for (const dir of ['src/playground']) {
  mkdirSync(join(root, 'dist', dir), { recursive: true });
  cpSync(join(root, dir), join(root, 'dist', dir), { recursive: true });
}
