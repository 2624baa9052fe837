/** The Colourlife ledger's public surface: what the rest of paygraph may use. */
export {
  ColourlifeAdapter,
  type FastTransactionParams,
  type LedgerCall,
  type ListParams,
  type PrepayParams,
} from './adapter';
export { callbackPathSecret, colourlifeCallbackHandler } from './callbacks';
export { colourlifeCredentials } from './credentials';
export {
  ColourlifeAccounts,
  isRepeatedOrder,
  transferAlreadyMade,
  transferBetween,
  transferVerdict,
  type LedgerAccountAt,
  type LedgerAccountType,
  type OpenAccountRequest,
} from './accounts';
export { classify, convert, type LedgerRole } from './matrix';
export type { StatementLine } from './schemas';
export { CODES, TRANSACTION_TYPES, USER_TYPES, type ChannelType } from './wire-types';
export { transferRequest, type LedgerSide, type TransferOrder } from './transfers';
