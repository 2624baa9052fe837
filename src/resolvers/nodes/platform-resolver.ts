import { ID, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Platform } from '../../entities';
import { toGlobalId } from '../../graphql/global-id';
import { PlatformNode } from '../../schema/object-types';

@Resolver(() => PlatformNode)
export class PlatformResolver {
  @FieldResolver(() => ID, {
    description: 'Globally unique and opaque: pass it to node(id:) or to any argument that takes this object.',
  })
  id(@Root() platform: Platform): string {
    return toGlobalId('Platform', platform.id);
  }
}
