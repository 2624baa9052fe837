import { connect } from 'node:net';
import { createHash } from 'node:crypto';
import { startTestApp, type TestApp } from '../support/app';
import { testDatabases } from '../support/databases';
import { graphql, graphqlData } from '../support/graphql-client';
import { waitFor } from '../support/wait-for';

/** GraphQL-over-HTTP behaviour and operation limits. SQLite is enough: none of this touches SQL. */
describe('HTTP protocol and protection', () => {
  let app: TestApp;
  let apiKey: string;

  beforeAll(async () => {
    app = await startTestApp(testDatabases()[0]);
    ({ apiKey } = await app.runtime.services.platforms.createPlatform('http'));
  });

  afterAll(async () => {
    await app?.stop();
  });

  async function post(body: string, headers: Record<string, string> = {}) {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}`, ...headers },
      body,
    });
    const text = await response.text();
    return { status: response.status, type: response.headers.get('content-type'), json: JSON.parse(text) };
  }

  async function expectStillServing() {
    expect((await graphqlData(app.url, '{ viewer { kind } }', {}, apiKey)).viewer.kind).toBe('PLATFORM');
  }

  it.each(['/graphql', '/callbacks/yunzhanghu/0190a4b2-7c1e-7000-8000-000000000001'])(
    'logs a client that hangs up mid-body on %s at debug level, without a stack',
    async (path) => {
      const before = app.logs.length;
      const socket = connect(Number(new URL(app.url).port), '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      // Expect: 100-continue makes the server answer once it has the request: then we know the
      // handler is reading the body when we hang up.
      const continued = new Promise<void>((resolve) => socket.once('data', () => resolve()));
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nExpect: 100-continue\r\n\r\n`,
      );
      await continued;
      socket.write('{"query":');
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.destroy();
      await closed;
      const entries = () => app.logs.slice(before);
      await waitFor(() => entries().some((entry) => /went away/.test(String(entry.msg))), 'the hang-up logged');
      expect(entries().filter((entry) => Number(entry.level) >= 50)).toEqual([]);
      expect(entries().find((entry) => /went away/.test(String(entry.msg)))).toMatchObject({ level: 20 });
      expect(JSON.stringify(entries())).not.toContain('stack');
      await expectStillServing();
    },
  );

  it('answers malformed JSON with 400 and a code', async () => {
    const response = await post('{"query": "{ viewer { kind } }"');
    expect(response.status).toBe(400);
    expect(response.json.errors[0].extensions.code).toBe('BAD_REQUEST');
    await expectStillServing();
  });

  it('answers an oversized body with 413', async () => {
    const response = await post(JSON.stringify({ query: `{ viewer { kind } } #${'x'.repeat(70_000)}` }));
    expect(response.status).toBe(413);
    expect(response.json.errors[0].extensions.code).toBe('BAD_REQUEST');
    await expectStillServing();
  });

  it('answers unknown fields and syntax errors with 400 and a code, without schema hints when introspection is off', async () => {
    const unknown = await post(JSON.stringify({ query: '{ viewer { kind secretField } }' }));
    expect(unknown.status).toBe(400);
    expect(unknown.json.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const syntax = await post(JSON.stringify({ query: '{ viewer { ' }));
    expect(syntax.status).toBe(400);
    expect(syntax.json.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('answers wrong variable types with 400 BAD_USER_INPUT', async () => {
    const response = await post(
      JSON.stringify({ query: 'query($n: Int) { clients(first: $n) { nodes { id } } }', variables: { n: 'many' } }),
    );
    expect(response.status).toBe(400);
    expect(response.json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('refuses operations over the depth, alias, cost and token limits', async () => {
    const deep = `{ transactions { nodes { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { id } } } } } } } } } } } } }`;
    const aliases = `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: viewer { kind }`).join(' ')} }`;
    const costly = `{ transactions(first: 100) { nodes { client { accounts { nodes { accountType { id name kind } balance { fen yuan } } } } refunds { id amount { fen } } } } }`;
    const tokens = `{ viewer { ${Array.from({ length: 2100 }, () => 'kind').join(' ')} } }`;
    for (const [name, query] of Object.entries({ deep, aliases, costly, tokens })) {
      const response = await post(JSON.stringify({ query }));
      expect([name, response.status]).toEqual([name, 400]);
      expect(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED']).toContain(response.json.errors[0].extensions.code);
      expect(JSON.stringify(response.json)).not.toMatch(/stacktrace/);
    }
    await expectStillServing();
  });

  it('serves GET queries, refuses GET mutations with 405, and negotiates application/graphql-response+json', async () => {
    const query = encodeURIComponent('{ viewer { kind } }');
    const get = await fetch(`${app.url}/graphql?query=${query}`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual({ data: { viewer: { kind: 'PLATFORM' } } });
    const mutation = encodeURIComponent('mutation { createApiKey(input: { label: "x" }) { __typename } }');
    const getMutation = await fetch(`${app.url}/graphql?query=${mutation}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(getMutation.status).toBe(405);
    const negotiated = await post(JSON.stringify({ query: '{ viewer { kind } }' }), {
      accept: 'application/graphql-response+json',
    });
    expect(negotiated.type).toMatch(/^application\/graphql-response\+json/);
    const invalid = await post(JSON.stringify({ query: '{ nope }' }), { accept: 'application/graphql-response+json' });
    expect(invalid.status).toBe(400);
  });

  it('supports automatic persisted queries', async () => {
    const query = '{ viewer { kind platform { name } } }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const extensions = { persistedQuery: { version: 1, sha256Hash } };
    const miss = await post(JSON.stringify({ extensions }));
    expect(miss.json.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const register = await post(JSON.stringify({ query, extensions }));
    expect(register.json.data.viewer.kind).toBe('PLATFORM');
    const hit = await post(JSON.stringify({ extensions }));
    expect(hit.json).toEqual({ data: { viewer: { kind: 'PLATFORM', platform: { name: 'http' } } } });
    const params = new URLSearchParams({ extensions: JSON.stringify(extensions) });
    const viaGet = await fetch(`${app.url}/graphql?${params}`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(((await viaGet.json()) as any).data.viewer.platform.name).toBe('http');
  });

  it('answers unknown paths with a JSON 404 and reports health', async () => {
    const missing = await fetch(`${app.url}/nope`);
    expect(missing.status).toBe(404);
    const health = await fetch(`${app.url}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok', database: 'sqlite', subscriptions: 0 });
  });
});

describe('production settings', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(testDatabases()[0], { introspection: false, playground: false });
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('turns off introspection, field suggestions and the playground', async () => {
    const { apiKey } = await app.runtime.services.platforms.createPlatform('prod');
    const introspection = await graphql(app.url, '{ __schema { types { name } } }', {}, apiKey);
    expect(introspection.status).toBe(400);
    expect(introspection.body.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const typo = await graphql(app.url, '{ viewr { kind } }', {}, apiKey);
    expect(typo.body.errors?.[0].message).not.toMatch(/Did you mean/);
    const playground = await fetch(`${app.url}/`);
    expect(playground.status).toBe(404);
  });
});
