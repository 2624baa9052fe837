import { registerEnumType } from 'type-graphql';

/**
 * Registers an enum with the schema, with a description of the type and of every value. The
 * value descriptions are a record keyed by the enum's own keys, so a value added to the enum
 * without a description does not compile: what the TypeScript comments say reaches GraphiQL.
 */
export function describeEnum<E extends Record<string, string>>(
  enumObject: E,
  name: string,
  description: string,
  values: { readonly [K in keyof E]: string },
): void {
  registerEnumType(enumObject, {
    name,
    description,
    valuesConfig: Object.fromEntries(
      Object.entries(values).map(([key, text]) => [key, { description: text }]),
    ) as Record<keyof E, { description: string }>,
  });
}
