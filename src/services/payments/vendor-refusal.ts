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
