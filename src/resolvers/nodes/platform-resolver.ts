import { ID, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Platform } from '../../entities';
import { toGlobalId } from '../../graphql/global-id';
import { NODE_ID_DESCRIPTION } from '../../schema/node';
import { PlatformNode } from '../../schema/object-types';

@Resolver(() => PlatformNode)
export class PlatformResolver {
  @FieldResolver(() => ID, {
    description: NODE_ID_DESCRIPTION,
  })
  id(@Root() platform: Platform): string {
    return toGlobalId('Platform', platform.id);
  }
}
