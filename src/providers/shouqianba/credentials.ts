import { z } from 'zod';
import { typedConfig } from '../typed-config';

/** 二.2: the terminal's serial number and its key (sign = MD5(body + key)). */
export const shouqianbaCredentials = typedConfig(
  z.object({ terminalSn: z.string().min(1), terminalKey: z.string().min(1) }),
);
