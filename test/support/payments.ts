import { graphql, type GraphQLResponse } from './graphql-client';

/** createPayment with every result member the tests look at. */
export const CREATE_PAYMENT = `mutation($input: CreatePaymentInput!) {
  createPayment(input: $input) {
    __typename
    ... on CreatePaymentPayload { replayed transaction { id status orderNo amount { fen } } checkout { url formAction formFields { name value } html } }
    ... on ErrorResult { code message }
    ... on InvalidInputError { fields { field message } }
  }
}`;

/** A CHECKOUT payment with sensible defaults; `input` overrides any field. */
export function checkoutInput(idempotencyKey: string, input: Record<string, unknown> = {}): Record<string, unknown> {
  return { idempotencyKey, method: { checkout: { action: 'ARBI' } }, amountFen: 1234, ...input };
}

/** Sends createPayment; returns the raw response so callers can assert on errors too. */
export function sendCreatePayment(
  url: string,
  apiKey: string,
  input: Record<string, unknown>,
): Promise<GraphQLResponse<any>> {
  return graphql(url, CREATE_PAYMENT, { input }, apiKey);
}

/** createPayment that must succeed at the GraphQL level; returns the result union member. */
export async function createCheckoutPayment(
  url: string,
  apiKey: string,
  idempotencyKey: string,
  input: Record<string, unknown> = {},
): Promise<any> {
  const response = await sendCreatePayment(url, apiKey, checkoutInput(idempotencyKey, input));
  if (response.body.errors?.length) throw new Error(`createPayment failed: ${JSON.stringify(response.body.errors)}`);
  return response.body.data.createPayment;
}
