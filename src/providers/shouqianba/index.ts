/** Shouqianba's public surface: what the rest of paygraph may use. */
export * from './adapter';
export { shouqianbaCredentials } from './credentials';
