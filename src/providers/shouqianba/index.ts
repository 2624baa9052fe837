/** Shouqianba upay's public surface: what the rest of paygraph may use. */
export * from './adapter';
export { shouqianbaCredentials } from './credentials';
export { paymentStatusOf } from './status-map';
export { type UpayOrder } from './transformers';
