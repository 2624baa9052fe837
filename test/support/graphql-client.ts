import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  contentType: string | null;
  headers: Record<string, string>;
  body: { data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

/** POSTs an operation the way a platform server or mobile app would. */
export async function graphql<T = Record<string, any>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    headers: headersOf(response),
    body: JSON.parse(text),
  };
}

/** Returns data, failing the test with the server's errors if there were any. */
export async function graphqlData<T = Record<string, any>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<T> {
  const response = await graphql<T>(url, query, variables, token);
  if (response.body.errors?.length || !response.body.data) {
    throw new Error(`GraphQL errors: ${JSON.stringify(response.body.errors)}`);
  }
  return response.body.data;
}

export function webSocketClient(url: string, token?: string): Client {
  return createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
}

function headersOf(response: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => (headers[key] = value));
  return headers;
}

export interface CollectedSubscription {
  events: any[];
  errors: unknown[];
  done: boolean;
}

/** Subscribes and gathers every payload, error and completion, for waitFor to look at. */
export function collectSubscription(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
): { result: CollectedSubscription; stop: () => void } {
  const result: CollectedSubscription = { events: [], errors: [], done: false };
  const stop = client.subscribe(
    { query, variables },
    {
      next: (value) => (value.errors ? result.errors.push(...value.errors) : result.events.push(value.data)),
      error: (error) => result.errors.push(error),
      complete: () => (result.done = true),
    },
  );
  return { result, stop };
}

/** Select it in a mutation's answer to read the refused fields of bad input. */
export const INVALID_INPUT = '... on InvalidInputError { code fields { field message } }';

/**
 * How bad input was answered: the mutation's InvalidInputError, or, for a variable that does
 * not even match its GraphQL type, the error's extensions. Both carry `code` and `fields`.
 */
export function inputRefusal(body: GraphQLResponse['body'], mutation: string): Record<string, any> | undefined {
  return (body.errors?.[0]?.extensions as Record<string, any> | undefined) ?? (body.data?.[mutation] as any);
}
