import { registerEnumType } from 'type-graphql';
import {
  AccountOwnerKind,
  AccountTypeKind,
  CheckoutAction,
  EntityKind,
  EventSource,
  FailureReason,
  LedgerTransferKind,
  PayoutChannel,
  PayoutStatus,
  RecordStatus,
  TransactionKind,
  TransactionStatus,
  Vendor,
  VerificationStatus,
} from '../domain/enums';
import { ErrorCode } from '../errors/app-errors';

registerEnumType(Vendor, { name: 'Vendor' });
registerEnumType(RecordStatus, { name: 'RecordStatus', description: 'Whether a client, biz or account may transact.' });
registerEnumType(AccountTypeKind, { name: 'AccountTypeKind' });
registerEnumType(AccountOwnerKind, { name: 'AccountOwnerKind' });
registerEnumType(CheckoutAction, { name: 'CheckoutAction' });
registerEnumType(LedgerTransferKind, { name: 'LedgerTransferKind' });
registerEnumType(TransactionKind, { name: 'TransactionKind' });
registerEnumType(TransactionStatus, {
  name: 'TransactionStatus',
  valuesConfig: {
    NEEDS_ATTENTION: {
      description: 'The outcome is not confirmed by the vendor; money may or may not have moved.',
    },
  },
});
registerEnumType(FailureReason, {
  name: 'FailureReason',
  description: "Why a vendor refused or failed an operation; the vendor's own code travels with it.",
});
registerEnumType(PayoutChannel, { name: 'PayoutChannel' });
registerEnumType(VerificationStatus, {
  name: 'VerificationStatus',
  description: 'Where a verification stands; `verified` is true only for VERIFIED.',
  valuesConfig: {
    VERIFIED: { description: 'The vendor confirmed the details.' },
    CODE_SENT: { description: 'An SMS code was sent; confirmBankCardVerification finishes it. Not verified yet.' },
    REJECTED: { description: 'The vendor refused; `failure` says why.' },
  },
});
registerEnumType(PayoutStatus, {
  name: 'PayoutStatus',
  valuesConfig: {
    NEEDS_ATTENTION: {
      description: 'The outcome is not confirmed by the vendor; money may or may not have moved.',
    },
  },
});
registerEnumType(EntityKind, { name: 'EntityKind' });
registerEnumType(EventSource, { name: 'EventSource' });
registerEnumType(ErrorCode, { name: 'ErrorCode' });
