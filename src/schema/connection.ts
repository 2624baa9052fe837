import { type ClassType, Field, ObjectType } from 'type-graphql';
import { encodeCursor, type Page } from '../services/tenancy/scoped-reads';

@ObjectType()
export class PageInfo {
  @Field() hasNextPage: boolean;
  @Field() hasPreviousPage: boolean;
  @Field(() => String, { nullable: true }) startCursor: string | null;
  @Field(() => String, { nullable: true }) endCursor: string | null;
}

export interface EdgeShape<T> {
  cursor: string;
  node: T;
}

export interface ConnectionShape<T> {
  edges: EdgeShape<T>[];
  nodes: T[];
  pageInfo: PageInfo;
}

/**
 * Relay connection types for one node type. The node's GraphQL class is only a type; at run
 * time edges carry entity rows, which the node type's field resolvers read.
 */
export function connectionTypes<TNode extends object>(
  nodeClass: ClassType<TNode>,
  name: string,
): ClassType<ConnectionShape<unknown>> {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field() cursor: string;
    @Field(() => nodeClass) node: unknown;
  }

  @ObjectType(`${name}Connection`)
  class Connection {
    @Field(() => [Edge]) edges: Edge[];
    @Field(() => [nodeClass], { description: 'The nodes of `edges`, for clients that need no cursors.' })
    nodes: unknown[];
    @Field(() => PageInfo) pageInfo: PageInfo;
  }
  return Connection as ClassType<ConnectionShape<unknown>>;
}

export function toConnection<T extends { id: string }>(page: Page<T>, hadCursor: boolean): ConnectionShape<T> {
  const edges = page.items.map((node) => ({ cursor: encodeCursor(node.id), node }));
  return {
    edges,
    nodes: page.items,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: hadCursor,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
