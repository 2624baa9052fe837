import { isInputObjectType, type GraphQLSchema } from 'graphql';

const ONE_OF_INPUTS = new Set<string>();

/**
 * Marks an input type `@oneOf`: exactly one of its fields is given, and GraphQL itself refuses
 * anything else. graphql-js supports it; type-graphql cannot declare it yet, so the class is
 * recorded here (its GraphQL name is its class name) and the schema builder sets it.
 */
export function OneOfInput(): ClassDecorator {
  return (target) => {
    ONE_OF_INPUTS.add(target.name);
  };
}

export function applyOneOfInputs(schema: GraphQLSchema): void {
  for (const name of ONE_OF_INPUTS) {
    const type = schema.getType(name);
    if (!isInputObjectType(type)) throw new Error(`@oneOf input ${name} is not in the schema`);
    type.isOneOf = true;
  }
}
