import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isSpecifiedScalarType,
  type GraphQLNamedType,
} from 'graphql';
import { buildPaygraphSchema } from '../../src/graphql/build-schema';

/** Every place in the schema that can carry a description, with whether it does. */
function describables(): Array<{ where: string; kind: string; described: boolean }> {
  const schema = buildPaygraphSchema();
  const places: Array<{ where: string; kind: string; described: boolean }> = [];
  const types = Object.values(schema.getTypeMap()).filter(
    (type: GraphQLNamedType) => !type.name.startsWith('__') && !isSpecifiedScalarType(type),
  );
  for (const type of types) {
    const root = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].includes(
      type as never,
    );
    if (!root)
      places.push({ where: type.name, kind: isEnumType(type) ? 'enum' : 'type', described: !!type.description });
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        places.push({
          where: `${type.name}.${field.name}`,
          kind: root ? 'operation' : 'field',
          described: !!field.description,
        });
        for (const arg of field.args)
          places.push({
            where: `${type.name}.${field.name}(${arg.name})`,
            kind: 'argument',
            described: !!arg.description,
          });
      }
    }
    if (isInputObjectType(type))
      for (const field of Object.values(type.getFields()))
        places.push({ where: `${type.name}.${field.name}`, kind: 'input field', described: !!field.description });
    if (isEnumType(type))
      for (const value of type.getValues())
        places.push({ where: `${type.name}.${value.name}`, kind: 'enum value', described: !!value.description });
  }
  return places;
}

const undescribed = (kind: string) =>
  describables()
    .filter((place) => place.kind === kind && !place.described)
    .map((place) => place.where);

/**
 * A schema that explains itself in GraphiQL. Enums, their values and the root operations are
 * described in full. The other places are held to the counts below, which may only go down:
 * the schema issue (#15) brings them to zero together with its renames.
 */
const UNDESCRIBED_AT_MOST: Record<string, number> = {
  type: 66,
  field: 102,
  argument: 38,
  'input field': 99,
};

describe('schema descriptions', () => {
  it('describes every enum and every enum value', () => {
    expect([...undescribed('enum'), ...undescribed('enum value')]).toEqual([]);
  });

  it('describes every query, mutation and subscription', () => {
    expect(undescribed('operation')).toEqual([]);
  });

  it.each(Object.entries(UNDESCRIBED_AT_MOST))('leaves no more %s descriptions missing than before', (kind, most) => {
    const missing = undescribed(kind);
    expect({ kind, count: missing.length <= most ? 'within' : missing }).toEqual({ kind, count: 'within' });
  });
});
