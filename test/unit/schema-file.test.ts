import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { printPaygraphSchema } from '../../src/graphql/build-schema';

describe('schema.graphql', () => {
  it('matches the schema the server builds (run `npm run schema:export` after changing it)', () => {
    const committed = readFileSync(join(__dirname, '..', '..', 'schema.graphql'), 'utf8');
    expect(committed).toBe(printPaygraphSchema());
  });
});
