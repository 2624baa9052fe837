import { z } from 'zod';
import type { ResolvedProviderConfig } from '../config';
import { typedConfig } from '../typed-config';
import type { YunzhanghuKeys } from './crypto';
import { ENDPOINTS, type EndpointNames } from './wire-types';

/** 2.1: the dealer and broker, the appkey and 3DES key; and how today's service is to be spoken to. */
export const yunzhanghuCredentials = typedConfig(
  z.object({
    dealerId: z.string().min(1),
    brokerId: z.string().min(1),
    appKey: z.string().min(1),
    des3Key: z.string().length(24, 'must be 24 bytes'),
    endpointNames: z.enum(['spec', 'current']).default('spec'),
    timestampUnit: z.enum(['s', 'ms']).default('s'),
    /** The red packet limit the dealer has been granted, in fen (200 yuan by default, up to 4,999). */
    wechatMaxFen: z.coerce.number().int().positive().optional(),
  }),
);

export function keys(config: ResolvedProviderConfig): YunzhanghuKeys {
  const { appKey, des3Key } = yunzhanghuCredentials(config);
  return { appKey, des3Key };
}

export function sealOptions(config: ResolvedProviderConfig) {
  return { milliseconds: yunzhanghuCredentials(config).timestampUnit === 'ms' };
}

export function dealerId(config: ResolvedProviderConfig): string {
  return yunzhanghuCredentials(config).dealerId;
}

export function brokerId(config: ResolvedProviderConfig): string {
  return yunzhanghuCredentials(config).brokerId;
}

export function endpoints(config: ResolvedProviderConfig) {
  const names: EndpointNames = yunzhanghuCredentials(config).endpointNames;
  return ENDPOINTS[names];
}
