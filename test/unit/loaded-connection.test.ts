import { connectionOfLoaded } from '../../src/schema/connection';
import { encodeCursor } from '../../src/services/tenancy/scoped-reads';

/** Short lists loaded whole (a client's accounts) page like any table's connection. */
describe('connectionOfLoaded', () => {
  const items = [{ id: 'c' }, { id: 'b' }, { id: 'a' }];

  it('pages with first and after, with the cursors of a table connection', () => {
    const first = connectionOfLoaded(items, { first: 2 });
    expect(first.nodes.map((item) => item.id)).toEqual(['c', 'b']);
    expect(first.pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: encodeCursor('c'),
      endCursor: encodeCursor('b'),
    });
    const rest = connectionOfLoaded(items, { first: 2, after: first.pageInfo.endCursor });
    expect(rest.nodes.map((item) => item.id)).toEqual(['a']);
    expect(rest.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('answers everything by default, and nothing after the last item', () => {
    expect(connectionOfLoaded(items, {}).nodes).toHaveLength(3);
    expect(connectionOfLoaded(items, { after: encodeCursor('a') }).nodes).toEqual([]);
  });

  it('continues after an item that is gone, by its place in the order', () => {
    expect(connectionOfLoaded(items, { after: encodeCursor('bb') }).nodes).toEqual([{ id: 'b' }, { id: 'a' }]);
  });

  it('refuses a cursor that is not one', () => {
    expect(() => connectionOfLoaded(items, { after: 'garbage' })).toThrow(/not a cursor/);
  });
});
