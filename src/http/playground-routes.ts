import express, { type Router } from 'express';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The only files the playground needs, each served from an installed package (no CDN). */
const ASSETS: Record<string, { module: string; type: string }> = {
  'graphiql.min.css': { module: 'graphiql/graphiql.min.css', type: 'text/css' },
  'graphiql.min.js': { module: 'graphiql/graphiql.min.js', type: 'text/javascript' },
  'react.production.min.js': { module: 'react/umd/react.production.min.js', type: 'text/javascript' },
  'react-dom.production.min.js': { module: 'react-dom/umd/react-dom.production.min.js', type: 'text/javascript' },
  'graphql-ws.min.js': { module: 'graphql-ws/umd/graphql-ws.min.js', type: 'text/javascript' },
};

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
      .send(read(require.resolve(asset.module)));
  });
  return router;
}
