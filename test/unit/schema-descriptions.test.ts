import {
  getNamedType,
  isEnumType,
  isListType,
  isNonNullType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isSpecifiedScalarType,
  isUnionType,
  type GraphQLNamedType,
  type GraphQLType,
} from 'graphql';
import { buildPaygraphSchema, printPaygraphSchema } from '../../src/graphql/build-schema';

/** Every place in the schema that can carry a description, with whether it does. */
function describables(): Array<{ where: string; kind: string; described: boolean }> {
  const schema = buildPaygraphSchema();
  const places: Array<{ where: string; kind: string; described: boolean }> = [];
  const types = Object.values(schema.getTypeMap()).filter(
    (type: GraphQLNamedType) => !type.name.startsWith('__') && !isSpecifiedScalarType(type),
  );
  for (const type of types) {
    const root = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].includes(
      type as never,
    );
    if (!root)
      places.push({ where: type.name, kind: isEnumType(type) ? 'enum' : 'type', described: !!type.description });
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        places.push({
          where: `${type.name}.${field.name}`,
          kind: root ? 'operation' : 'field',
          described: !!field.description,
        });
        for (const arg of field.args)
          places.push({
            where: `${type.name}.${field.name}(${arg.name})`,
            kind: 'argument',
            described: !!arg.description,
          });
      }
    }
    if (isInputObjectType(type))
      for (const field of Object.values(type.getFields()))
        places.push({ where: `${type.name}.${field.name}`, kind: 'input field', described: !!field.description });
    if (isEnumType(type))
      for (const value of type.getValues())
        places.push({ where: `${type.name}.${value.name}`, kind: 'enum value', described: !!value.description });
  }
  return places;
}

const undescribed = (kind: string) =>
  describables()
    .filter((place) => place.kind === kind && !place.described)
    .map((place) => place.where);

/** A schema that explains itself in GraphiQL: every place that can carry a description has one. */
describe('schema descriptions', () => {
  it('describes every enum and every enum value', () => {
    expect([...undescribed('enum'), ...undescribed('enum value')]).toEqual([]);
  });

  it('describes every query, mutation and subscription', () => {
    expect(undescribed('operation')).toEqual([]);
  });

  it.each(['type', 'field', 'argument', 'input field'])('describes every %s', (kind) => {
    expect(undescribed(kind)).toEqual([]);
  });

  it('explains the vendors in its own words: no specification section numbers', () => {
    // "(5.3.1)" or "(2.1 6)" means nothing to a developer who has not read the vendor's PDF.
    const printed = printPaygraphSchema();
    expect(printed.match(/\(\d+\.\d+(\.\d+)*[^)]*\)/g) ?? []).toEqual([]);
  });

  it('says which credential each query, mutation and subscription needs', () => {
    const schema = buildPaygraphSchema();
    const roots = [schema.getQueryType()!, schema.getMutationType()!, schema.getSubscriptionType()!];
    const silent = roots
      .flatMap((root) => Object.values(root.getFields()))
      .filter((field) => !/Needs an API key/.test(field.description ?? ''));
    expect(silent.map((field) => field.name)).toEqual([]);
  });
});

/**
 * Lists in output positions that are not connections, each with why. A short list whose whole
 * is always wanted (a history, an answer's rows) may stay a list; one that grows without bound
 * must page. The entries marked "#15" are the schema issue's and go when it converts them.
 */
const LISTS_ALLOWED: Record<string, string> = {
  'Query.nodes': 'answers exactly the ids asked for (at most 100)',
  'Query.providerConfigs': 'one per vendor: at most four',
  'Query.payoutBalances': "one per broker of the platform's dealer: a handful",
  'InvalidInputError.fields': 'the refused fields of one input',
  'Checkout.formFields': 'the fields of one signed form: a handful',
  'Transaction.statusHistory': "an entity's whole history, a few events; subscriptions carry more",
  'Payout.statusHistory': "an entity's whole history, a few events; subscriptions carry more",
  'Transaction.refunds': 'the refunds of one payment: bounded by its amount',
  'ProviderConfig.credentialFields': "the names of a vendor's credential fields",
  'SyncAccountTypesPayload.accountTypes': "the platform's account types: five",
  'Query.accountTypes': "the platform's account types: five",
  'ReconciliationReport.discrepancies': "one day's differences, all of which the report is",
  'WebhookEndpoint.eventTypes': 'a subset of the EventType enum',
  'WebhookDelivery.attempts': "one delivery's attempts: about 30 in a whole 3-day retry window",
};

/** JSONObject outputs and inputs, each with why; "#15" entries are typed by the schema issue. */
const JSON_ALLOWED: Record<string, string> = {
  'StatusEvent.detail': "the vendor's own codes and amounts of one event, as it sent them: an open set",
  'TransactionStatusEvent.detail': 'the same, on a transaction event',
  'PayoutStatusEvent.detail': 'the same, on a payout event',
  'WebhookEndpointStatusEvent.detail': 'the same, on a webhook endpoint event (why it was disabled)',
};

describe('schema shapes', () => {
  const schema = buildPaygraphSchema();
  const fieldsOf = (inputs: boolean): Array<{ where: string; type: GraphQLType }> =>
    Object.values(schema.getTypeMap())
      .filter((type) => !type.name.startsWith('__'))
      .flatMap((type) =>
        isObjectType(type) || isInterfaceType(type) || (inputs && isInputObjectType(type))
          ? Object.values(type.getFields()).map((field) => ({ where: `${type.name}.${field.name}`, type: field.type }))
          : [],
      );

  it('pages every list that can grow, except the ones allowed with a reason', () => {
    // Output fields only: a list in an input (a filter's statuses) is what the caller sends.
    const lists = fieldsOf(false)
      .filter(({ where, type }) => {
        const bare = isNonNullType(type) ? type.ofType : type;
        return isListType(bare) && !/Connection\.(edges|nodes)$/.test(where);
      })
      .map(({ where }) => where);
    expect(lists.filter((where) => !(where in LISTS_ALLOWED))).toEqual([]);
    expect(Object.keys(LISTS_ALLOWED).filter((where) => !lists.includes(where))).toEqual([]);
  });

  it('gives every mutation one input, one result union and one payload, named after it', () => {
    const misnamed = Object.values(schema.getMutationType()!.getFields()).flatMap((field) => {
      const name = field.name.charAt(0).toUpperCase() + field.name.slice(1);
      const input = field.args.find((arg) => arg.name === 'input');
      const result = getNamedType(field.type);
      const members = isUnionType(result) ? result.getTypes().map((type) => type.name) : [];
      const problems = [];
      if (field.args.length !== 1 || !input || getNamedType(input.type).name !== `${name}Input`)
        problems.push(`${field.name}: input`);
      if (
        result.name !== `${name}Result` ||
        !members.includes(`${name}Payload`) ||
        !members.includes('InvalidInputError')
      )
        problems.push(`${field.name}: result`);
      return problems;
    });
    expect(misnamed).toEqual([]);
  });

  it('uses JSONObject only where allowed with a reason', () => {
    const json = fieldsOf(true)
      .filter(({ type }) => getNamedType(type).name === 'JSONObject')
      .map(({ where }) => where);
    expect(json.filter((where) => !(where in JSON_ALLOWED)).sort()).toEqual([]);
    // An allowance whose field is gone (or typed now) is removed, so the lists stay true.
    expect(Object.keys(JSON_ALLOWED).filter((where) => !json.includes(where))).toEqual([]);
  });
});
