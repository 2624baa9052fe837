import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, validate } from 'graphql';
import { servedSchema } from '../support/schema-inputs';

/** Every GraphQL example in the README is valid against the schema the server serves. */
describe('README examples', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const examples = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]);

  it('has examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
  });

  it.each(examples.map((example, index) => [index + 1, example]))('example %d validates', (_index, example) => {
    const errors = validate(servedSchema(), parse(example as string)).map((error) => error.message);
    expect(errors).toEqual([]);
  });
});
