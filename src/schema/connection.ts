import { type ClassType, Field, ObjectType } from 'type-graphql';
import { decodeCursor, pageSize, encodeCursor, type Page, type PageArgs } from '../services/tenancy/scoped-reads';

@ObjectType({ description: 'Where a page of a connection sits in the whole list.' })
export class PageInfo {
  @Field({ description: 'Whether more items follow: ask again with `after: endCursor`.' }) hasNextPage: boolean;
  @Field({ description: 'Whether items come before this page (true when the page was asked for with `after`).' })
  hasPreviousPage: boolean;
  @Field(() => String, { nullable: true, description: 'The cursor of the first item; null on an empty page.' })
  startCursor: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'The cursor of the last item; pass it as `after` for the next page.',
  })
  endCursor: string | null;
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
  order: 'newest first' | 'oldest first' = 'newest first',
): ClassType<ConnectionShape<unknown>> {
  @ObjectType(`${name}Edge`, { description: `One ${name} in a page, with its cursor.` })
  class Edge {
    @Field({ description: 'Opaque: pass it as `after` to continue after this item.' }) cursor: string;
    @Field(() => nodeClass, { description: 'The item.' }) node: unknown;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${name} items, ${order}, with cursors.` })
  class Connection {
    @Field(() => [Edge], { description: 'The items of this page with their cursors.' }) edges: Edge[];
    @Field(() => [nodeClass], { description: 'The nodes of `edges`, for clients that need no cursors.' })
    nodes: unknown[];
    @Field(() => PageInfo, { description: 'Whether more pages follow, and where.' }) pageInfo: PageInfo;
  }
  return Connection as ClassType<ConnectionShape<unknown>>;
}

export function toConnection<T>(
  page: Page<T>,
  hadCursor: boolean,
  cursorOf: (node: T, index: number) => string = (node) => encodeCursor((node as { id: string }).id),
): ConnectionShape<T> {
  const edges = page.items.map((node, index) => ({ cursor: cursorOf(node, index), node }));
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

/**
 * A connection over a short list loaded whole (a DataLoader batches it across parents), in
 * descending id order like every table connection: paged in memory with the same cursors, and
 * like them by position in that order, so a cursor whose item is gone still continues.
 */
export function connectionOfLoaded<T extends { id: string }>(byIdDescending: T[], page: PageArgs): ConnectionShape<T> {
  const afterId = page.after ? decodeCursor(page.after) : undefined;
  const start = afterId === undefined ? 0 : byIdDescending.filter((item) => item.id >= afterId).length;
  const first = pageSize(page.first);
  const items = byIdDescending.slice(start, start + first);
  return toConnection({ items, hasNextPage: start + first < byIdDescending.length }, Boolean(page.after));
}
