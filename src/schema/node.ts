import { Field, ID, InterfaceType } from 'type-graphql';

@InterfaceType({
  description: 'An object with a globally unique, opaque id (Relay).',
  // Rows returned through node(id:) are tagged with their GraphQL type name.
  resolveType: (value: { __typename?: string }) => value.__typename,
})
export abstract class Node {
  @Field(() => ID, {
    description: 'Globally unique and opaque: pass it to node(id:) or to any argument that takes this object.',
  })
  id: string;
}
