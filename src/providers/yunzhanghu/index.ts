/** Yunzhanghu's public surface: what the rest of paygraph may use. */
export * from './adapter';
export { yunzhanghuCallbackHandler } from './callbacks';
export { yunzhanghuCredentials } from './credentials';
export { YunzhanghuGateway } from './gateway';
export * from './transformers';
