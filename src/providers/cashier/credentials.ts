import { z } from 'zod';
import { typedConfig } from '../typed-config';

/** §2.1: "支付将分配商户号及签名密钥": the merchant number and the signing key. */
export const cashierCredentials = typedConfig(z.object({ merchantId: z.string().min(1), signKey: z.string().min(1) }));
