/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { describeInBrowser, launchChromium } from '../support/browser';
import { EntityKind, EventSource, TransactionStatus } from '../../src/domain/enums';
import { startTestApp, type TestApp } from '../support/app';
import { testDatabases } from '../support/databases';
import { seedPlatform, type SeededPlatform } from '../support/fixtures';
import { waitFor } from '../support/wait-for';

async function setEditor(page: Page, label: string, text: string): Promise<void> {
  await page.evaluate(
    ([wanted, value]) => {
      const editors = Array.from(document.querySelectorAll('.CodeMirror')) as Array<
        HTMLElement & { CodeMirror: { setValue(v: string): void } }
      >;
      const editor = editors.find(
        (element) =>
          element.closest('[aria-label]')?.getAttribute('aria-label') === wanted &&
          !element.parentElement?.classList.contains('hidden'),
      );
      if (!editor) throw new Error(`no ${wanted} editor`);
      editor.CodeMirror.setValue(value);
    },
    [label, text],
  );
}

function resultText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const result = document.querySelector('.result-window .CodeMirror') as
      (HTMLElement & { CodeMirror: { getValue(): string } }) | null;
    return result?.CodeMirror.getValue() ?? '';
  });
}

describeInBrowser('the playground in headless Chromium', () => {
  let app: TestApp;
  let seeded: SeededPlatform;
  let browser: Browser;
  const externalRequests: string[] = [];

  beforeAll(async () => {
    app = await startTestApp(testDatabases()[0]);
    seeded = await seedPlatform(app.runtime.services, 'browser', 1);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('loads from local files only, runs a query and receives a subscription event', async () => {
    const page = await browser.newPage();
    page.on('request', (request) => {
      if (!request.url().startsWith(app.url)) externalRequests.push(request.url());
    });
    await page.goto(`${app.url}/`);
    await page.waitForSelector('.graphiql-execute-button', { timeout: 30_000 });

    await setEditor(page, 'Headers', JSON.stringify({ Authorization: `Bearer ${seeded.apiKey}` }));
    await setEditor(page, 'Query Editor', '{ viewer { kind platform { name } } clients { nodes { externalRef } } }');
    await page.click('.graphiql-execute-button');
    const queryResult = await waitFor(
      async () => {
        const text = await resultText(page);
        return text.includes('"kind"') ? text : undefined;
      },
      'the query result',
      20_000,
    );
    expect(JSON.parse(queryResult).data).toMatchObject({
      viewer: { kind: 'PLATFORM', platform: { name: 'browser' } },
      clients: { nodes: [{ externalRef: 'browser-client-2' }, { externalRef: 'browser-client-1' }] },
    });

    await setEditor(
      page,
      'Query Editor',
      'subscription { transactionUpdated { event { toStatus source } transaction { status } } }',
    );
    await page.click('.graphiql-execute-button');
    await waitFor(() => app.runtime.services.feeds.activeSubscriptions === 1, 'the playground to subscribe', 20_000);
    await app.runtime.services.statusWriter.change({
      kind: EntityKind.TRANSACTION,
      entityId: seeded.transactionIds[0],
      platformId: seeded.platformId,
      to: TransactionStatus.SUCCEEDED,
      source: EventSource.CALLBACK,
    });
    const eventText = await waitFor(
      async () => {
        const text = await resultText(page);
        return text.includes('SUCCEEDED') ? text : undefined;
      },
      'the subscription event',
      20_000,
    );
    expect(JSON.parse(eventText).data.transactionUpdated).toEqual({
      event: { toStatus: 'SUCCEEDED', source: 'CALLBACK' },
      transaction: { status: 'SUCCEEDED' },
    });
    if (process.env.PLAYGROUND_SCREENSHOT) await page.screenshot({ path: process.env.PLAYGROUND_SCREENSHOT });
    expect(externalRequests).toEqual([]);
    await page.close();
  });

  it('keeps the entered headers in a new tab, and shows a refused subscription at once', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/`);
    await page.waitForSelector('.graphiql-execute-button', { timeout: 30_000 });
    await setEditor(page, 'Headers', JSON.stringify({ Authorization: `Bearer ${seeded.apiKey}` }));
    await page.click('.graphiql-tab-add');
    await waitFor(async () => (await page.$$('.graphiql-tab')).length >= 2, 'the second tab', 10_000);
    await setEditor(page, 'Query Editor', '{ viewer { kind } }');
    await page.click('.graphiql-execute-button');
    const answer = await waitFor(
      async () => {
        const text = await resultText(page);
        return text.includes('"data"') || text.includes('"errors"') ? text : undefined;
      },
      'the new tab query result',
      20_000,
    );
    expect(JSON.parse(answer)).toEqual({ data: { viewer: { kind: 'PLATFORM' } } });

    // A wrong key on a subscription: the close reason, at once, not {"isTrusted": true} after retries.
    await setEditor(page, 'Headers', JSON.stringify({ Authorization: 'Bearer pgk_wrong_key' }));
    await setEditor(page, 'Query Editor', 'subscription { transactionUpdated { event { toStatus } } }');
    await page.click('.graphiql-execute-button');
    const refused = await waitFor(
      async () => {
        const text = await resultText(page);
        return text.includes('UNAUTHENTICATED') ? text : undefined;
      },
      'the refused subscription',
      10_000,
    );
    expect(refused).not.toContain('isTrusted');
    await page.close();
  });
});
