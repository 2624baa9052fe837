/**
 * The hosted cashier's public surface: what the rest of paygraph may use. Everything else in
 * this folder (signing, wire parsing, status maps) is the vendor's business.
 */
export { CashierAdapter } from './adapter';
export { cashierCallbackHandler } from './callbacks';
export { cashierCredentials } from './credentials';
