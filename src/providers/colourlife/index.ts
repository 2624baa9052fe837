/** The Colourlife ledger's public surface: what the rest of paygraph may use. */
export { ColourlifeAdapter } from './adapter';
export { colourlifeCallbackHandler } from './callbacks';
export { ColourlifeLedger } from './ledger-gateway';
