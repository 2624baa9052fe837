import { newId } from '../../src/crypto/ids';
import { ReconciliationStatus, Vendor } from '../../src/domain/enums';
import { ReconciliationReport } from '../../src/entities';
import { startTestApp, type TestApp } from '../support/app';
import { testDatabases } from '../support/databases';
import { graphql, graphqlData } from '../support/graphql-client';

/** reconciliationReports is a connection: newest day first, whatever order the days were reconciled in. */
describe.each(testDatabases())('reconciliation reports as a connection, on $name', (database) => {
  let app: TestApp;
  let apiKey: string;

  beforeAll(async () => {
    app = await startTestApp(database, {}, {}, { background: false });
    const created = await app.runtime.services.platforms.createPlatform('reports');
    apiKey = created.apiKey;
    // Reconciled out of order: the middle day last.
    for (const day of ['2026-11-01', '2026-11-03', '2026-11-02']) {
      await app.runtime.services.db.manager.insert(ReconciliationReport, {
        id: newId(),
        platformId: created.platform.id,
        vendor: Vendor.YUNZHANGHU,
        day,
        status: ReconciliationStatus.MATCHED,
        summary: { localPayouts: 0, vendorOrders: 0, billRows: 0, returns: 0, matched: 0 },
        discrepancies: [],
      } as never);
    }
  });

  afterAll(async () => {
    await app?.stop();
  });

  const PAGE = `query($after: String) { reconciliationReports(first: 2, after: $after) {
    nodes { day } pageInfo { hasNextPage endCursor } } }`;

  it('pages newest day first, with cursors that resume exactly after the last day seen', async () => {
    const first = (await graphqlData(app.url, PAGE, { after: null }, apiKey)).reconciliationReports;
    expect(first.nodes).toEqual([{ day: '2026-11-03' }, { day: '2026-11-02' }]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await graphqlData(app.url, PAGE, { after: first.pageInfo.endCursor }, apiKey))
      .reconciliationReports;
    expect(second).toEqual({
      nodes: [{ day: '2026-11-01' }],
      pageInfo: { hasNextPage: false, endCursor: expect.any(String) },
    });
  });

  it('refuses a cursor that is not one of its own', async () => {
    const response = await graphql(app.url, PAGE, { after: 'not-a-cursor' }, apiKey);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
