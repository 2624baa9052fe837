import { DateTimeResolver, JSONObjectResolver, SafeIntResolver } from 'graphql-scalars';

/** ISO-8601 timestamps in UTC. */
export const DateTime = DateTimeResolver;
/** Integers up to 2^53-1: fen amounts exceed GraphQL's 32-bit Int (21,474,836.47 yuan). */
export const SafeInt = SafeIntResolver;
export const JSONObject = JSONObjectResolver;
