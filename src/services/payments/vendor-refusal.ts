import { FailureReason } from '../../domain/enums';
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
 * answer with the same result type as the first time. The flow marks the row when its create
 * call's own answer was a refusal (`refusedOnCreate`, written with the failure in the same
 * change), so a callback that settled the row first does not change what a replay answers.
 */
export function refusalOnFirstAnswer(row: { vendorData: Record<string, unknown> | null }): VendorRefusal | undefined {
  const data = row.vendorData as { refusedOnCreate?: unknown; failure?: VendorFailure | null } | null;
  if (data?.refusedOnCreate !== true || !data.failure) return undefined;
  if (data.failure.reason === FailureReason.VENDOR_UNREACHABLE)
    return refusalOf({ kind: 'not_sent', reason: data.failure.vendorCode });
  return refusalOf({ kind: 'refused', failure: data.failure });
}
