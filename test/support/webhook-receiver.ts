import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ReceivedWebhook {
  /** The path posted to: one receiver can stand for several endpoints. */
  path: string;
  body: string;
  json: Record<string, any>;
  signature: string;
  receivedAt: number;
  /** When the answer was sent (or the connection dropped). */
  answeredAt?: number;
}

/** What the receiver does with the nth request (from 0): answer a status, hang, or drop the connection. */
export type Behaviour = (request: ReceivedWebhook, index: number) => number | 'hang' | 'drop';

export interface WebhookReceiver {
  url: string;
  port: number;
  received: ReceivedWebhook[];
  behaviour: Behaviour;
  stop(): Promise<void>;
}

/** A real HTTP server on a free loopback port that records every webhook it is sent. */
export async function startWebhookReceiver(behaviour: Behaviour = () => 200): Promise<WebhookReceiver> {
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();
  const receiver = { received: [] as ReceivedWebhook[], behaviour } as WebhookReceiver;
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const webhook: ReceivedWebhook = {
        path: request.url ?? '/',
        body,
        json: JSON.parse(body),
        signature: String(request.headers['paygraph-signature'] ?? ''),
        receivedAt: Date.now(),
      };
      const index = receiver.received.push(webhook) - 1;
      const action = receiver.behaviour(webhook, index);
      if (action === 'hang') {
        hanging.add(response);
        response.on('close', () => (webhook.answeredAt = Date.now()));
        return;
      }
      if (action === 'drop') {
        webhook.answeredAt = Date.now();
        request.socket.destroy();
        return;
      }
      webhook.answeredAt = Date.now();
      response.writeHead(action, action >= 300 && action < 400 ? { location: 'http://169.254.169.254/' } : {});
      response.end('{"ok":true}');
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  receiver.port = port;
  receiver.url = `http://127.0.0.1:${port}/webhooks`;
  receiver.stop = async () => {
    for (const response of hanging) response.destroy();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
  return receiver;
}

export const WEBHOOK_ENDPOINT_FIELDS = 'id url status eventTypes disabledReason previousSecretExpiresAt';

export const CREATE_WEBHOOK_ENDPOINT = `mutation($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) {
    __typename
    ... on CreateWebhookEndpointPayload { secret webhookEndpoint { ${WEBHOOK_ENDPOINT_FIELDS} } }
    ... on InvalidInputError { code fields { field message } }
  }
}`;

export const WEBHOOK_DELIVERIES = `query($endpointId: ID!, $first: Int, $after: String) {
  webhookDeliveries(endpointId: $endpointId, first: $first, after: $after) {
    edges { node { id kind status attemptCount nextAttemptAt deliveredAt
      event { sequence cursor }
      attempts { number statusCode latencyMs error nextRetryAt attemptedAt } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
