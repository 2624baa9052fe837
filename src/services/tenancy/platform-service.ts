import { generateApiKey, parseApiKey, secretMatches } from '../../auth/api-key-codec';
import { newId } from '../../crypto/ids';
import type { Database } from '../../db/database';
import { RecordStatus } from '../../domain/enums';
import { ApiKey, Platform } from '../../entities';
import { badUserInput, notFound } from '../../errors/app-errors';

export interface CreatedPlatform {
  platform: Platform;
  apiKey: string;
}

export interface AuthenticatedKey {
  platformId: string;
  apiKeyId: string;
}

/** How long a verified API key is trusted without a DB read; bounds how late a revocation bites. */
const KEY_CACHE_MILLIS = 30_000;
const KEY_CACHE_LIMIT = 10_000;

/** Tenants and their API keys. */
export class PlatformService {
  private readonly keyCache = new Map<string, { key: AuthenticatedKey; until: number }>();

  constructor(private readonly db: Database) {}

  async createPlatform(name: string): Promise<CreatedPlatform> {
    const trimmed = name.trim();
    if (trimmed.length < 1 || trimmed.length > 128) {
      throw badUserInput('name must be 1 to 128 characters', 'name');
    }
    return this.db.transaction(async (manager) => {
      const platform = manager.create(Platform, {
        id: newId(),
        name: trimmed,
        status: RecordStatus.ACTIVE,
        lastEventSequence: 0,
      });
      await manager.insert(Platform, platform);
      const { plaintext, row } = this.buildApiKey(platform.id, 'default');
      await manager.insert(ApiKey, row);
      return { platform, apiKey: plaintext };
    });
  }

  async createApiKey(platformId: string, label: string): Promise<{ apiKey: string; row: ApiKey }> {
    await this.getPlatform(platformId);
    const { plaintext, row } = this.buildApiKey(platformId, label);
    await this.db.transaction((manager) => manager.insert(ApiKey, row));
    return { apiKey: plaintext, row };
  }

  async revokeApiKey(platformId: string, apiKeyId: string): Promise<void> {
    const result = await this.db.transaction((manager) =>
      manager.update(ApiKey, { id: apiKeyId, platformId }, { revokedAt: new Date() }),
    );
    if (!result.affected) throw notFound('ApiKey');
    for (const [text, entry] of this.keyCache) {
      if (entry.key.apiKeyId === apiKeyId) this.keyCache.delete(text);
    }
  }

  async getPlatform(platformId: string): Promise<Platform> {
    const platform = await this.db.manager.findOneBy(Platform, { id: platformId });
    if (!platform) throw notFound('Platform');
    return platform;
  }

  async findPlatformByName(name: string): Promise<Platform | null> {
    return this.db.manager.findOneBy(Platform, { name });
  }

  /** Returns the key's platform, or undefined for a key that is unknown, wrong or revoked. */
  async authenticate(plaintext: string): Promise<AuthenticatedKey | undefined> {
    const now = Date.now();
    const cached = this.keyCache.get(plaintext);
    if (cached && cached.until > now) return cached.key;
    const parsed = parseApiKey(plaintext);
    if (!parsed) return undefined;
    const row = await this.db.manager.findOneBy(ApiKey, { lookupId: parsed.lookupId });
    if (!row || row.revokedAt || !secretMatches(parsed.secret, row.secretHash)) return undefined;
    const key = { platformId: row.platformId, apiKeyId: row.id };
    if (this.keyCache.size >= KEY_CACHE_LIMIT) this.keyCache.clear();
    this.keyCache.set(plaintext, { key, until: now + KEY_CACHE_MILLIS });
    return key;
  }

  private buildApiKey(platformId: string, label: string): { plaintext: string; row: ApiKey } {
    const generated = generateApiKey();
    const row = Object.assign(new ApiKey(), {
      id: newId(),
      platformId,
      lookupId: generated.lookupId,
      secretHash: generated.secretHash,
      label: label.slice(0, 128),
      revokedAt: null,
    });
    return { plaintext: generated.plaintext, row };
  }
}
