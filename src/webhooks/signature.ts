import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures, for paygraph and for the servers that receive its webhooks: this file
 * depends on nothing but node:crypto, so a receiver can import it (`paygraph/webhooks`) or copy
 * it. The scheme is Stripe's: `Paygraph-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<raw body>">`, with one `v1` per secret that is valid while a secret is being rotated.
 */

export const SIGNATURE_HEADER = 'Paygraph-Signature';

/** How old a signature may be, in seconds, before it is refused (a replayed request). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

function signatureOf(secret: string, timestamp: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/**
 * The header for `body` signed with each of `secrets` at `timestamp` (unix seconds). paygraph
 * signs with it; a receiver's tests sign their test payloads with it.
 */
export function signWebhookPayload(
  body: string | Buffer,
  secrets: readonly string[],
  timestamp = Math.floor(Date.now() / 1000),
): string {
  if (secrets.length === 0) throw new Error('at least one secret is needed');
  return [`t=${timestamp}`, ...secrets.map((secret) => `v1=${signatureOf(secret, timestamp, body)}`)].join(',');
}

export type WebhookVerification =
  | { ok: true; timestamp: number }
  | { ok: false; reason: 'no signature' | 'malformed' | 'too old' | 'no matching signature' };

/**
 * Checks a received webhook: `body` exactly as received (the raw bytes, before any JSON
 * parsing), the Paygraph-Signature header, and your endpoint's secret. A signature older (or
 * newer) than `toleranceSeconds` is refused; signatures are compared in constant time.
 */
export function verifyWebhookSignature(input: {
  body: string | Buffer;
  header: string | null | undefined;
  secret: string;
  toleranceSeconds?: number;
  /** Unix seconds; the clock, unless testing. */
  now?: number;
}): WebhookVerification {
  if (!input.header) return { ok: false, reason: 'no signature' };
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of input.header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && /^\d{1,12}$/.test(value ?? '')) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value ?? '')) signatures.push(value);
  }
  if (timestamp === undefined || signatures.length === 0) return { ok: false, reason: 'malformed' };
  const now = input.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS))
    return { ok: false, reason: 'too old' };
  const expected = Buffer.from(signatureOf(input.secret, timestamp, input.body), 'utf8');
  const matches = signatures.some((signature) => timingSafeEqual(Buffer.from(signature, 'utf8'), expected));
  return matches ? { ok: true, timestamp } : { ok: false, reason: 'no matching signature' };
}
