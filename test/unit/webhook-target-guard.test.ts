import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { refusedAddress, refusedUrl } from '../../src/webhooks/target-guard';
import { WebhookSender } from '../../src/webhooks/webhook-sender';

const PRODUCTION = { allowLoopback: false, requireHttps: true };
const DEVELOPMENT = { allowLoopback: true, requireHttps: false };

describe('the webhook target guard', () => {
  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '10.0.0.7',
    '172.16.5.4',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254', // AWS, GCP and Azure metadata
    '100.100.100.200', // Alibaba Cloud metadata
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd00:ec2::254', // AWS IPv6 metadata
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '64:ff9b::a9fe:a9fe',
  ])('refuses %s in production', (address) => {
    expect(refusedAddress(address, PRODUCTION)).toBeDefined();
  });

  it.each(['8.8.8.8', '203.0.113.9', '1.1.1.1', '2001:4860:4860::8888', '::ffff:8.8.8.8'])('allows %s', (address) => {
    expect(refusedAddress(address, PRODUCTION)).toBeUndefined();
  });

  it('allows loopback, and only loopback, in development', () => {
    expect(refusedAddress('127.0.0.1', DEVELOPMENT)).toBeUndefined();
    expect(refusedAddress('::1', DEVELOPMENT)).toBeUndefined();
    expect(refusedAddress('169.254.169.254', DEVELOPMENT)).toBeDefined();
    expect(refusedAddress('10.0.0.1', DEVELOPMENT)).toBeDefined();
  });

  it('checks URLs when an endpoint is saved', () => {
    expect(refusedUrl('https://hooks.example.com/paygraph', PRODUCTION)).toBeUndefined();
    expect(refusedUrl('http://hooks.example.com/paygraph', PRODUCTION)).toMatch(/https/);
    expect(refusedUrl('https://localhost:8443/', PRODUCTION)).toMatch(/loopback/);
    expect(refusedUrl('https://[::1]/', PRODUCTION)).toMatch(/loopback/);
    expect(refusedUrl('https://10.1.1.1/', PRODUCTION)).toMatch(/private/);
    expect(refusedUrl('https://user:secret@example.com/', PRODUCTION)).toMatch(/password/);
    expect(refusedUrl('gopher://example.com/', PRODUCTION)).toMatch(/http/);
    expect(refusedUrl('http://localhost:3000/hooks', DEVELOPMENT)).toBeUndefined();
  });
});

describe('the webhook sender', () => {
  let server: Server;
  let port: number;
  let hits = 0;

  beforeAll(async () => {
    server = createServer((request, response) => {
      hits += 1;
      request.resume();
      if (request.url === '/redirect')
        return void response.writeHead(307, { location: 'http://169.254.169.254/' }).end();
      if (request.url === '/hang') return;
      if (request.url === '/huge') {
        response.writeHead(200);
        // Far more than the sender reads: it must not wait for, or keep, all of it.
        for (let index = 0; index < 64; index += 1) response.write(Buffer.alloc(64 * 1024, 'x'));
        return void response.end();
      }
      response.writeHead(request.url === '/fail' ? 500 : 204).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const request = (path: string, host = '127.0.0.1') => ({
    url: `http://${host}:${port}${path}`,
    body: '{}',
    headers: {},
  });

  it('refuses a name that resolves to loopback at connect time, and a loopback literal, in production', async () => {
    const sender = new WebhookSender({ allowLoopback: false }, 2000);
    const before = hits;
    // A name, resolved when the socket connects: where DNS rebinding would strike.
    const byName = await sender.send(request('/ok', 'localhost'));
    const byLiteral = await sender.send(request('/ok'));
    sender.close();
    expect(byName).toMatchObject({ delivered: false, statusCode: null, error: expect.stringMatching(/^refused: /) });
    expect(byLiteral).toMatchObject({ delivered: false, statusCode: null, error: expect.stringMatching(/^refused: /) });
    expect(hits).toBe(before);
  });

  it('delivers to localhost in development; counts only a 2xx; follows no redirect; reads a capped answer; times out', async () => {
    const sender = new WebhookSender({ allowLoopback: true }, 300);
    expect(await sender.send(request('/ok', 'localhost'))).toMatchObject({
      delivered: true,
      statusCode: 204,
      error: null,
    });
    expect(await sender.send(request('/fail'))).toMatchObject({
      delivered: false,
      statusCode: 500,
      error: 'answered 500',
    });
    expect(await sender.send(request('/redirect'))).toMatchObject({
      delivered: false,
      statusCode: 307,
      error: 'redirects are not followed',
    });
    expect(await sender.send(request('/huge'))).toMatchObject({ delivered: true, statusCode: 200 });
    expect(await sender.send(request('/hang'))).toMatchObject({
      delivered: false,
      statusCode: null,
      error: 'no answer within 0.3 s',
    });
    sender.close();
  });
});
