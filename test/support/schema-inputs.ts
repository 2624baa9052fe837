import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { buildPaygraphSchema } from '../../src/graphql/build-schema';

let schema: GraphQLSchema | undefined;

/** The schema the server serves, built once per test file. */
export function servedSchema(): GraphQLSchema {
  schema ??= buildPaygraphSchema();
  return schema;
}

/** Every root mutation, by name. */
export function mutationFields(): Array<GraphQLField<unknown, unknown>> {
  return Object.values(servedSchema().getMutationType()?.getFields() ?? {});
}

/**
 * A value of `type` that passes GraphQL's own validation: only the required fields of input
 * objects, filled with `ids` for ID scalars. What the resolver then makes of it is the test's
 * business; this only gets a request past the document's validation.
 */
export function minimalValue(type: GraphQLInputType, ids: string): unknown {
  if (isNonNullType(type)) return minimalValue(type.ofType, ids);
  if (isListType(type)) return [minimalValue(type.ofType, ids)];
  if (isEnumType(type)) return type.getValues()[0]?.value;
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields()).filter((field) => isNonNullType(field.type));
    // A @oneOf input needs exactly one field: the first.
    const chosen = type.isOneOf ? Object.values(type.getFields()).slice(0, 1) : fields;
    return Object.fromEntries(chosen.map((field) => [field.name, minimalValue(field.type, ids)]));
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'ID':
        return ids;
      case 'Int':
      case 'SafeInt':
        return 100;
      case 'Float':
        return 1;
      case 'Boolean':
        return false;
      case 'DateTime':
        return new Date().toISOString();
      case 'Date':
        return '2026-01-01';
      case 'JSONObject':
        return {};
      default:
        return 'x';
    }
  }
  throw new Error(`no minimal value for ${String(getNamedType(type))}`);
}

/** `mutation($a: T!, …) { name(a: $a, …) { __typename } }` with minimal variables. */
export function minimalMutation(
  field: GraphQLField<unknown, unknown>,
  ids: string,
  overrides: Record<string, unknown> = {},
): { query: string; variables: Record<string, unknown> } {
  const args = field.args as readonly GraphQLArgument[];
  const declared = args.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
  const passed = args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const variables = Object.fromEntries(
    args.map((arg) => {
      const value = minimalValue(arg.type, ids);
      const override = overrides[arg.name];
      return [
        arg.name,
        override && typeof value === 'object' ? { ...(value as object), ...(override as object) } : value,
      ];
    }),
  );
  const selection = isScalarType(getNamedType(field.type)) ? '' : ' { __typename }';
  return {
    query: `mutation${declared ? `(${declared})` : ''} { ${field.name}${passed ? `(${passed})` : ''}${selection} }`,
    variables,
  };
}
