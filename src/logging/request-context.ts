import { randomUUID } from 'node:crypto';
import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The request a piece of work belongs to, carried through its async context: every log line
 * written while serving it (the vendor calls it makes included) carries its `requestId`, and an
 * unexpected error's answer names it so a caller can quote it to an operator.
 */
export const requestContext = new AsyncLocalStorage<{ requestId: string }>();

/** A caller's X-Request-Id when it is a sane token, otherwise a new one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given && /^[A-Za-z0-9._:-]{1,128}$/.test(given) ? given : randomUUID();
}

export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}
