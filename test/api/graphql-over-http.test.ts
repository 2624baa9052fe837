import { serverAudits } from 'graphql-http';
import { startTestApp, type TestApp } from '../support/app';
import { testDatabases } from '../support/databases';

/**
 * graphql-http's audit of the GraphQL-over-HTTP spec against the real server, with an API key
 * (every audit request is authenticated, as a platform's would be). Every audit must pass,
 * warnings included.
 */
describe('the GraphQL-over-HTTP audit', () => {
  let app: TestApp;
  let apiKey: string;

  beforeAll(async () => {
    app = await startTestApp(testDatabases()[0]);
    ({ apiKey } = await app.runtime.services.platforms.createPlatform('audit'));
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('passes every audit', async () => {
    const audits = serverAudits({
      url: () => `${app.url}/graphql`,
      fetchFn: (input: RequestInfo | URL, init?: RequestInit) => {
        const headers = new Headers(init?.headers);
        headers.set('authorization', `Bearer ${apiKey}`);
        return fetch(input, { ...init, headers });
      },
    });
    const results = await Promise.all(audits.map(async (audit) => ({ ...(await audit.fn()), name: audit.name })));
    const failing = results.filter((result) => result.status !== 'ok');
    expect(
      failing.map((result) => `${result.status}: ${result.name}: ${'reason' in result ? result.reason : ''}`),
    ).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(61);
  });
});
