import type { Services } from './services';

export const DEMO_PLATFORM_NAME = 'demo';

export interface DemoPlatform {
  platformId: string;
  /** Only present when this call created the platform (keys are shown once). */
  apiKey?: string;
  created: boolean;
}

/**
 * The demo platform a newcomer explores in the playground: a few clients and bizs to query.
 * Idempotent: a second call finds the existing platform and mints no new key unless asked.
 */
export async function ensureDemoPlatform(
  services: Services,
  options: { newKey?: boolean } = {},
): Promise<DemoPlatform> {
  const existing = await services.platforms.findPlatformByName(DEMO_PLATFORM_NAME);
  if (existing) {
    if (!options.newKey) return { platformId: existing.id, created: false };
    const { apiKey } = await services.platforms.createApiKey(existing.id, 'demo');
    return { platformId: existing.id, apiKey, created: false };
  }
  const { platform, apiKey } = await services.platforms.createPlatform(DEMO_PLATFORM_NAME);
  await services.parties.createClient(platform.id, { externalRef: 'demo-user-1', name: '张三', mobile: '13800000001' });
  await services.parties.createClient(platform.id, { externalRef: 'demo-user-2', name: '李四', mobile: '13800000002' });
  await services.parties.createBiz(platform.id, {
    externalRef: 'demo-shop-1',
    name: '彩生活便利店',
    tel: '0755-00000000',
  });
  return { platformId: platform.id, apiKey, created: true };
}
