import { Field, ID, InterfaceType } from 'type-graphql';

/** What every node's id field says. */
export const NODE_ID_DESCRIPTION =
  'Globally unique and opaque: pass it to node(id:) or to any argument that takes this object.';

@InterfaceType({
  description: 'An object with a globally unique, opaque id (Relay).',
  // Rows returned through node(id:) are tagged with their GraphQL type name.
  resolveType: (value: { __typename?: string }) => value.__typename,
})
export abstract class Node {
  @Field(() => ID, {
    description: NODE_ID_DESCRIPTION,
  })
  id: string;
}
