import type { Browser } from 'playwright-core';
import { describeInBrowser, launchChromium } from '../support/browser';
import { toGlobalId } from '../../src/graphql/global-id';
import { startTestApp, type TestApp } from '../support/app';
import { testDatabases } from '../support/databases';
import { seedPlatform, type SeededPlatform } from '../support/fixtures';
import { webSocketClient } from '../support/graphql-client';
import { createCheckoutPayment } from '../support/payments';
import { waitFor } from '../support/wait-for';

describeInBrowser('a person pays through the hosted cashier in headless Chromium', () => {
  let app: TestApp;
  let seeded: SeededPlatform;
  let browser: Browser;

  beforeAll(async () => {
    app = await startTestApp(testDatabases()[0]);
    const merchant = app.runtime.sandboxes!.cashier.registerMerchant('M777', 'browser-key', [
      'Bank',
      'WeiXin',
      'AliPay',
    ]);
    seeded = await seedPlatform(app.runtime.services, 'browser-shop', 0);
    await app.runtime.services.providerConfigs.configure(
      { platformId: seeded.platformId },
      {
        vendor: 'CASHIER' as never,
        baseUrl: `${app.url}/sandbox/cashier`,
        credentials: { signKey: merchant.signKey },
        options: { merchantId: merchant.merid },
      },
    );
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('opens the checkout from createPayment, pays, lands on the front page, and the subscription reports SUCCEEDED', async () => {
    const { transaction, checkout } = await createCheckoutPayment(app.url, seeded.apiKey, 'browser-1', {
      amountFen: 2599,
      clientId: toGlobalId('Client', seeded.clientIds[0]),
    });

    const socket = webSocketClient(app.url, seeded.apiKey);
    const statuses: string[] = [];
    const stop = socket.subscribe(
      {
        query: 'subscription($id: ID!) { transactionUpdated(filter: { id: $id }) { transaction { status } } }',
        variables: { id: transaction.id },
      },
      {
        next: (value: any) => statuses.push(value.data?.transactionUpdated.transaction.status),
        error: () => undefined,
        complete: () => undefined,
      },
    );
    await waitFor(() => app.runtime.services.feeds.activeSubscriptions === 1, 'the subscription');

    const page = await browser.newPage();
    await page.goto(checkout.url);
    await page.waitForSelector('#pay');
    expect(await page.textContent('.amount')).toBe('¥25.99');
    if (process.env.CHECKOUT_SCREENSHOT) await page.screenshot({ path: process.env.CHECKOUT_SCREENSHOT });
    await page.check('input[value="WeiXin"]');
    await Promise.all([page.waitForURL(/\/callbacks\/cashier\/.+\/front\?/), page.click('#pay')]);
    expect(await page.textContent('#status')).toBe('SUCCEEDED');

    await waitFor(() => statuses.includes('SUCCEEDED'), 'the subscription to report SUCCEEDED');
    stop();
    await socket.dispose();
    await page.close();
  });
});
