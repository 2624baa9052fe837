import type { Database } from '../../db/database';
import { EventSource, FailureReason } from '../../domain/enums';
import { StatusEvent } from '../../entities';
import type { VendorFailure } from '../../providers/failures';

/** Why a vendor operation did not succeed, as the services report it to the resolvers. */
export type VendorErrorKind = 'VENDOR_REFUSED' | 'VENDOR_UNREACHABLE' | 'OUTCOME_UNKNOWN' | 'PROVIDER_NOT_CONFIGURED';

export interface VendorRefusal {
  ok: false;
  error: VendorErrorKind;
  failure: VendorFailure | null;
  message: string;
}

/**
 * A vendor call that did not succeed, in any adapter's terms: a refusal (the vendor said no),
 * nothing sent (`not_sent` / `unreachable`), or no trustworthy answer (`unknown` /
 * `unverifiable`).
 */
export type FailedCall =
  | { kind: 'refused'; failure: VendorFailure }
  | { kind: 'not_sent' | 'unreachable'; reason: string }
  | { kind: 'unknown' | 'unverifiable'; reason: string };

export function refusalOf(call: FailedCall): VendorRefusal {
  switch (call.kind) {
    case 'refused':
      return { ok: false, error: 'VENDOR_REFUSED', failure: call.failure, message: call.failure.message };
    case 'not_sent':
    case 'unreachable':
      return { ok: false, error: 'VENDOR_UNREACHABLE', failure: null, message: `nothing was sent (${call.reason})` };
    case 'unknown':
    case 'unverifiable':
      return { ok: false, error: 'OUTCOME_UNKNOWN', failure: null, message: `no answer (${call.reason})` };
  }
}

export function notConfigured(vendor: string): VendorRefusal {
  return {
    ok: false,
    error: 'PROVIDER_NOT_CONFIGURED',
    failure: null,
    message: `configure ${vendor} with configureProvider first`,
  };
}

/**
 * The refusal a create mutation answered first, for its replay: a replayed idempotency key must
 * answer with the same result type as the first time. The first answer was a refusal exactly
 * when the row went to FAILED from the API call itself, at the step that sent it (`steps`);
 * the failure recorded on the row then gives the same refusal back.
 */
export async function refusalOnFirstAnswer(
  db: Database,
  row: { id: string; platformId: string; vendorData: Record<string, unknown> | null },
  failedStatus: string,
  steps: readonly string[],
): Promise<VendorRefusal | undefined> {
  const failedByCall = await db.manager.findBy(StatusEvent, {
    platformId: row.platformId,
    entityId: row.id,
    toStatus: failedStatus,
    source: EventSource.API,
  });
  if (!failedByCall.some((event) => steps.includes(String(event.detail?.step)))) return undefined;
  const failure = (row.vendorData as { failure?: VendorFailure | null } | null)?.failure;
  if (!failure) return undefined;
  if (failure.reason === FailureReason.VENDOR_UNREACHABLE)
    return refusalOf({ kind: 'not_sent', reason: failure.vendorCode });
  return refusalOf({ kind: 'refused', failure });
}
