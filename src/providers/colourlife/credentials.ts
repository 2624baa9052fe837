import { z } from 'zod';
import { typedConfig } from '../typed-config';

/** 5.1 and 2.2: the auth micro-service's account and password, the platform number, where to get tokens. */
export const colourlifeCredentials = typedConfig(
  z.object({
    pno: z.string().min(1),
    pano: z.string().optional(),
    authUrl: z.string().optional(),
    authAccount: z.string().min(1),
    authPassword: z.string().min(1),
  }),
);
