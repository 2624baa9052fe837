import { createServer } from 'node:net';
import { startTestApp, type TestApp } from '../support/app';
import { VENDOR_DRIVERS } from '../support/contract-drivers';
import { testDatabases } from '../support/databases';

/**
 * The provider contract: what every vendor's adapter must answer the same way, run against each
 * vendor's own sandbox. The callback side of the contract (negative signatures, duplicates,
 * amounts) is the property suite's, callback-properties.test.ts, over the same vendors.
 */
describe.each(VENDOR_DRIVERS.map((driver) => [driver.vendor, driver] as const))(
  'the provider contract: %s',
  (_vendor, driver) => {
    let app: TestApp;

    beforeAll(async () => {
      app = await startTestApp(testDatabases()[0], {}, {}, { background: false });
    });

    afterAll(async () => {
      await app?.stop();
    });

    it('answers an unknown order as refused by the vendor, never as found', async () => {
      expect(await driver.query(app, driver.configure(app), driver.unknownReference)).toBe('refused');
    });

    it('tells a request that was never sent from one whose answer was lost', async () => {
      const config = driver.configure(app);
      // A port just freed: nothing listens there (fetch refuses well-known ports like 1 outright).
      const unreachable = { ...config, baseUrl: `http://127.0.0.1:${await closedPort()}/nothing-listens` };
      expect(await driver.query(app, unreachable, driver.unknownReference)).toBe('not sent');
      const sandbox = driver.sandbox(app);
      sandbox.faults.nextRequestsPath = driver.queryPath;
      sandbox.faults.nextRequests = ['unknown'];
      try {
        expect(await driver.query(app, config, driver.unknownReference)).toBe('unknown outcome');
      } finally {
        sandbox.faults.nextRequests = [];
        sandbox.faults.nextRequestsPath = undefined;
      }
    });

    it('maps every status code of its spec into our statuses, with no catch-all', () => {
      const mapped = driver.mappedStatuses();
      expect(mapped.length).toBeGreaterThan(0);
      const allowed = Object.values(driver.statusEnum);
      expect(mapped.filter(([, status]) => !allowed.includes(status))).toEqual([]);
    });
  },
);

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
