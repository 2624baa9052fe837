import { startTestApp, type TestApp } from '../support/app';
import { EntityKind, Vendor } from '../../src/domain/enums';
import type { ResolvedProviderConfig } from '../../src/providers/config';
import type { OurRow, SignedCallback } from '../support/callback-drivers';
import { VENDOR_DRIVERS, type ContractDriver } from '../support/contract-drivers';
import { closedPort } from '../support/ports';
import { testDatabases } from '../support/databases';

/**
 * The provider contract: what every vendor's adapter and callback route must answer the same
 * way, run against each vendor's own sandbox. A fifth vendor gets every check by adding its
 * driver to VENDOR_DRIVERS. (callback-properties.test.ts adds hostile signed input per route.)
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

    describe('callbacks', () => {
      const callbacks = driver.callbacks;
      if (!callbacks) {
        it('sends no notifications, so it has no callback route', async () => {
          const { platform } = await app.runtime.services.platforms.createPlatform(`contract-${driver.vendor}`);
          const response = await fetch(`${app.url}/callbacks/${driver.vendor.toLowerCase()}/${platform.id}`, {
            method: 'POST',
            body: '{}',
          });
          expect(response.status).toBe(404);
        });
        return;
      }
      let platformId: string;
      let config: ResolvedProviderConfig;

      beforeAll(async () => {
        platformId = (await app.runtime.services.platforms.createPlatform(`contract-${driver.vendor}`)).platform.id;
        config = driver.configure(app);
        await app.runtime.services.providerConfigs.configure(
          { platformId },
          { vendor: config.vendor, baseUrl: config.baseUrl, credentials: config.secrets, options: config.options },
        );
      });

      const replies = () => app.runtime.services.callbackHandlers.get(driver.vendor)!;
      const post = async (callback: SignedCallback) => {
        const response = await fetch(
          `${app.url}/callbacks/${driver.vendor.toLowerCase()}/${platformId}${callback.rest}`,
          {
            method: 'POST',
            headers: { 'content-type': callback.contentType },
            body: callback.body,
          },
        );
        return { status: response.status, body: await response.text() };
      };
      const eventsOf = async (row: OurRow) =>
        (await app.runtime.services.eventLog.historyOf(platformId, [[driverKind(driver), row.id]])).get(
          `${driverKind(driver)}:${row.id}`,
        ) ?? [];

      it('refuses a bad signature, a tampered body, the wrong key and an empty body, and changes nothing', async () => {
        const row = await callbacks.ourRow(app, platformId, 1_234);
        const good = await callbacks.succeeded(app, config, row, 1_234);
        const forged: Array<[string, SignedCallback]> = [
          ['bad signature', callbacks.badSignature(good)],
          ['tampered body', callbacks.tampered(good)],
          ['wrong key', await callbacks.succeeded(app, config, row, 1_234, 'wrong')],
          ['empty', { ...good, body: '' }],
        ];
        for (const [label, callback] of forged) {
          const answer = await post(callback);
          expect({ label, ...answer }).toEqual({
            label,
            status: replies().failure.status,
            body: replies().failure.body,
          });
        }
        expect(await callbacks.statusOf(app, row)).not.toBe(callbacks.settled);
        expect(await eventsOf(row)).toHaveLength(1);
      });

      it('applies a notification once: a duplicate is acknowledged and changes nothing', async () => {
        const row = await callbacks.ourRow(app, platformId, 1_234);
        const notification = await callbacks.succeeded(app, config, row, 1_234);
        const success = { status: replies().success.status, body: replies().success.body };
        expect(await post(notification)).toEqual(success);
        expect(await callbacks.statusOf(app, row)).toBe(callbacks.settled);
        const events = (await eventsOf(row)).length;
        expect(await post(notification)).toEqual(success);
        expect(await callbacks.statusOf(app, row)).toBe(callbacks.settled);
        expect(await eventsOf(row)).toHaveLength(events);
      });

      it('flags an amount that is not ours for attention, with both amounts on the event', async () => {
        const row = await callbacks.ourRow(app, platformId, 1_234);
        expect((await post(await callbacks.succeeded(app, config, row, 1_235))).status).toBe(replies().success.status);
        expect(await callbacks.statusOf(app, row)).toBe(callbacks.needsAttention);
        const last = (await eventsOf(row)).at(-1);
        expect(last?.detail).toMatchObject({ amountMismatch: { ours: 1_234, problem: 'different' } });
      });
    });
  },
);

/** The entity kind a vendor's callbacks move. */
function driverKind(driver: ContractDriver): EntityKind {
  return driver.vendor === Vendor.YUNZHANGHU ? EntityKind.PAYOUT : EntityKind.TRANSACTION;
}
