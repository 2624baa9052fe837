import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import { badUserInput } from '../errors/app-errors';
import { requireScope, type RequestContext } from '../graphql/context';
import { fromGlobalId, type NodeTypeName } from '../graphql/global-id';
import { Node } from '../schema/node';

/** Tags a row with its GraphQL type so the Node interface can resolve it. */
export function asNode<T extends object>(type: NodeTypeName, row: T): T {
  return Object.assign(row, { __typename: type });
}

async function loadNode(context: RequestContext, globalId: string): Promise<object | null> {
  const { type, id } = fromGlobalId(globalId);
  const scope = requireScope(context);
  if (type === 'Platform') {
    if (id !== scope.platformId) return null;
    const platform = await context.loaders.platformById(id);
    return platform ? asNode('Platform', platform) : null;
  }
  // node(id:) is direct access: a client token cannot open a merchant by id.
  const row = await context.loaders.related(type, id, 'direct');
  return row ? asNode(type, row) : null;
}

@Resolver()
export class NodeResolver {
  @Authorized()
  @Query(() => Node, {
    nullable: true,
    description:
      'Any object by its global id; null if it is not visible to you. Needs an API key or a client token (which sees only its own).',
  })
  async node(
    @Arg('id', () => ID, { description: 'Any object id from this API.' }) id: string,
    @Ctx() context: RequestContext,
  ): Promise<object | null> {
    return loadNode(context, id);
  }

  @Authorized()
  @Query(() => [Node], {
    nullable: 'items',
    description:
      'Up to 100 objects by global id, in order. Needs an API key or a client token (which sees only its own).',
  })
  async nodes(
    @Arg('ids', () => [ID], {
      description: 'Object ids from this API; each answer is in the same place, null where not found.',
    })
    ids: string[],
    @Ctx() context: RequestContext,
  ): Promise<Array<object | null>> {
    if (ids.length > 100) throw badUserInput('At most 100 ids per call', 'ids');
    return Promise.all(ids.map((id) => loadNode(context, id)));
  }
}
