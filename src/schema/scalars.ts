import { DateResolver, DateTimeResolver, JSONObjectResolver, SafeIntResolver } from 'graphql-scalars';

/**
 * A calendar day, yyyy-mm-dd (RFC 3339 full-date). It arrives as a Date at midnight UTC of that
 * day; dayOf turns it back into the day's text.
 */
export const CalendarDate = DateResolver;

export function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** ISO-8601 timestamps in UTC. */
export const DateTime = DateTimeResolver;
/** Integers up to 2^53-1: fen amounts exceed GraphQL's 32-bit Int (21,474,836.47 yuan). */
export const SafeInt = SafeIntResolver;
export const JSONObject = JSONObjectResolver;
