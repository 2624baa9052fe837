/** configureProvider over GraphQL: the payload's fields, whatever error member answered. */
export const CONFIGURE_PROVIDER = `mutation($input: ConfigureProviderInput!) {
  configureProvider(input: $input) {
    __typename
    ... on ConfigureProviderPayload { providerConfig { id vendor } }
    ... on ErrorResult { code message }
  }
}`;

/**
 * A configureProvider input from a vendor and its credentials and options as the configuration
 * service names them: the vendor's settings go in the @oneOf member named after it.
 */
export function configureProviderInput(config: {
  vendor: string;
  baseUrl: string;
  credentials?: Record<string, unknown>;
  options?: Record<string, unknown>;
  enabled?: boolean;
  clientMutationId?: string;
}): Record<string, unknown> {
  const { endpointNames, timestampUnit, ...options } = config.options ?? {};
  const settings: Record<string, unknown> = { ...config.credentials, ...options };
  if (endpointNames !== undefined) settings.endpoints = String(endpointNames).toUpperCase();
  if (timestampUnit !== undefined) settings.timestampUnit = timestampUnit === 'ms' ? 'MILLISECONDS' : 'SECONDS';
  return {
    ...(config.clientMutationId ? { clientMutationId: config.clientMutationId } : {}),
    baseUrl: config.baseUrl,
    ...(config.enabled === undefined ? {} : { enabled: config.enabled }),
    settings: { [config.vendor.toLowerCase()]: settings },
  };
}
