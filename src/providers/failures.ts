import type { FailureReason } from '../domain/enums';

/** Why a vendor refused, in our terms, with its own code and words kept. */
export interface VendorFailure {
  reason: FailureReason;
  vendorCode: string;
  message: string;
}
