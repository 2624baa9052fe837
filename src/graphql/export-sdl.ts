import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printPaygraphSchema } from './build-schema';

/** `npm run schema:export`: rewrites schema.graphql, the file mobile teams run codegen against. */
const target = join(__dirname, '..', '..', 'schema.graphql');
writeFileSync(target, printPaygraphSchema());
console.log(`wrote ${target}`);
