import express, { type Router } from 'express';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The only files the playground needs, each served from an installed package (no CDN). */
const ASSETS: Record<string, { packageName: string; file: string; type: string }> = {
  'graphiql.min.css': { packageName: 'graphiql', file: 'graphiql.min.css', type: 'text/css' },
  'graphiql.min.js': { packageName: 'graphiql', file: 'graphiql.min.js', type: 'text/javascript' },
  'react.production.min.js': { packageName: 'react', file: 'umd/react.production.min.js', type: 'text/javascript' },
  'react-dom.production.min.js': {
    packageName: 'react-dom',
    file: 'umd/react-dom.production.min.js',
    type: 'text/javascript',
  },
  'graphql-ws.min.js': { packageName: 'graphql-ws', file: 'umd/graphql-ws.min.js', type: 'text/javascript' },
};

/** UMD builds are not in the packages' `exports`, so resolve the package root and join. */
function assetPath(asset: { packageName: string; file: string }): string {
  return join(dirname(require.resolve(`${asset.packageName}/package.json`)), asset.file);
}

const PLAYGROUND_DIR = join(__dirname, '..', 'playground');

export function playgroundRouter(): Router {
  const router = express.Router();
  const files = new Map<string, Buffer>();
  const read = (path: string): Buffer => {
    let content = files.get(path);
    if (!content) {
      content = readFileSync(path);
      files.set(path, content);
    }
    return content;
  };
  router.get('/', (_req, res) => {
    res.type('text/html').send(read(join(PLAYGROUND_DIR, 'index.html')));
  });
  router.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });
  router.get('/playground/playground.js', (_req, res) => {
    res.type('text/javascript').send(read(join(PLAYGROUND_DIR, 'playground.js')));
  });
  router.get('/playground/assets/:file', (req, res) => {
    const asset = ASSETS[req.params.file];
    if (!asset) {
      res.status(404).json({ error: 'not found' });
      return;
    }
    res
      .type(asset.type)
      .set('cache-control', 'public, max-age=3600')
      .send(read(assetPath(asset)));
  });
  return router;
}
