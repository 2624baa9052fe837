import type { Scope } from '../../auth/viewer';
import { newId } from '../../crypto/ids';
import type { SecretBox } from '../../crypto/secret-box';
import type { Database } from '../../db/database';
import type { Vendor } from '../../domain/enums';
import { ProviderConfig } from '../../entities';
import { badUserInput, notFound } from '../../errors/app-errors';
import type { ResolvedProviderConfig } from '../../providers/config';
import { VENDORS } from '../../providers/vendors';

export interface ConfigureProviderInput {
  vendor: Vendor;
  baseUrl: string;
  /** Omitted: keep the stored secrets. Given: fields given replace the stored ones. */
  credentials?: Record<string, unknown> | null;
  options?: Record<string, unknown> | null;
  enabled?: boolean | null;
  /** How a refused credential or option is named to the caller; `credentials.x` / `options.x` by default. */
  fieldOf?: (name: string, kind: 'credentials' | 'options') => string;
}

export type { ResolvedProviderConfig } from '../../providers/config';

function assertBaseUrl(baseUrl: string): string {
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    throw badUserInput('baseUrl must be an absolute http(s) URL', 'baseUrl');
  }
  if (!['http:', 'https:'].includes(parsed.protocol)) {
    throw badUserInput('baseUrl must be an absolute http(s) URL', 'baseUrl');
  }
  return baseUrl.replace(/\/+$/, '');
}

function assertStringMap(value: Record<string, unknown>, field: string): Record<string, string> {
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string' || entry.length === 0 || entry.length > 4096) {
      throw badUserInput(`${field}.${key} must be a non-empty string`, `${field}.${key}`);
    }
  }
  return value as Record<string, string>;
}

/**
 * A platform's vendor settings. Pointing a platform at a sandbox or at the real vendor is a
 * change of baseUrl (and credentials); nothing else in paygraph knows the difference.
 */
/** How long a decrypted configuration is reused; a change made on another instance applies within it. */
const RESOLVED_CACHE_MS = 10_000;

export class ProviderConfigService {
  private readonly resolved = new Map<string, { config: ResolvedProviderConfig; until: number }>();

  constructor(
    private readonly db: Database,
    private readonly secretBox: SecretBox,
  ) {}

  async configure(scope: Scope, input: ConfigureProviderInput): Promise<ProviderConfig> {
    const descriptor = VENDORS[input.vendor];
    const fieldOf = input.fieldOf ?? ((name: string, kind: string) => `${kind}.${name}`);
    const baseUrl = assertBaseUrl(input.baseUrl);
    const given = input.credentials ? assertStringMap(input.credentials, 'credentials') : undefined;
    for (const key of Object.keys(given ?? {})) {
      if (!descriptor.secretFields.includes(key)) {
        throw badUserInput(
          `credentials.${key} is not a ${input.vendor} credential (expected ${descriptor.secretFields.join(', ')})`,
          `credentials.${key}`,
        );
      }
    }
    const options = input.options ?? undefined;
    for (const key of Object.keys(options ?? {})) {
      if (![...descriptor.requiredOptions, ...descriptor.optionalOptions].includes(key)) {
        throw badUserInput(`options.${key} is not a ${input.vendor} option`, `options.${key}`);
      }
    }
    return this.db.transaction(async (manager) => {
      const existing = await manager.findOneBy(ProviderConfig, { platformId: scope.platformId, vendor: input.vendor });
      const secrets = { ...(existing ? this.openSecrets(existing) : {}), ...(given ?? {}) };
      const missingSecrets = descriptor.secretFields.filter((field) => !secrets[field]);
      if (missingSecrets.length > 0) {
        throw badUserInput(
          `credentials must include ${missingSecrets.join(', ')}`,
          fieldOf(missingSecrets[0], 'credentials'),
        );
      }
      const mergedOptions = options ?? existing?.options ?? {};
      const missingOptions = descriptor.requiredOptions.filter((field) => mergedOptions[field] === undefined);
      if (missingOptions.length > 0) {
        throw badUserInput(`options must include ${missingOptions.join(', ')}`, fieldOf(missingOptions[0], 'options'));
      }
      // Fail fast: the configuration must parse as the vendor's typed one (the adapters' view).
      try {
        descriptor.typed({ vendor: input.vendor, baseUrl, secrets, options: mergedOptions });
      } catch (error) {
        const message = (error as Error).message.replace(/^[A-Z]+ configuration: /, '');
        const field = message.split(' ', 1)[0];
        throw badUserInput(
          message,
          fieldOf(field, descriptor.secretFields.includes(field) ? 'credentials' : 'options'),
        );
      }
      const row = Object.assign(existing ?? new ProviderConfig(), {
        id: existing?.id ?? newId(),
        platformId: scope.platformId,
        vendor: input.vendor,
        baseUrl,
        secretsCiphertext: this.secretBox.encrypt(JSON.stringify(secrets)),
        options: mergedOptions,
        enabled: input.enabled ?? existing?.enabled ?? true,
      });
      await manager.save(ProviderConfig, row);
      this.resolved.delete(`${scope.platformId}:${input.vendor}`);
      return row;
    });
  }

  async list(scope: Scope): Promise<ProviderConfig[]> {
    return this.db.manager.find(ProviderConfig, { where: { platformId: scope.platformId }, order: { vendor: 'ASC' } });
  }

  /** For adapters only: the decrypted configuration of one platform's vendor. */
  async resolve(platformId: string, vendor: Vendor): Promise<ResolvedProviderConfig> {
    // Every callback and vendor call needs this; caching skips a read and a decryption each time.
    const key = `${platformId}:${vendor}`;
    const cached = this.resolved.get(key);
    if (cached && cached.until > Date.now()) return cached.config;
    const config = await this.load(platformId, vendor);
    if (this.resolved.size > 10_000) this.resolved.clear();
    this.resolved.set(key, { config, until: Date.now() + RESOLVED_CACHE_MS });
    return config;
  }

  private async load(platformId: string, vendor: Vendor): Promise<ResolvedProviderConfig> {
    const row = await this.db.manager.findOneBy(ProviderConfig, { platformId, vendor, enabled: true });
    if (!row) throw notFound(`${vendor} configuration`);
    return { vendor, baseUrl: row.baseUrl, secrets: this.openSecrets(row), options: row.options ?? {} };
  }

  /** Names of the stored secret fields, for display; never their values. */
  secretFieldNames(row: ProviderConfig): string[] {
    return Object.keys(this.openSecrets(row)).sort();
  }

  private openSecrets(row: ProviderConfig): Record<string, string> {
    return JSON.parse(this.secretBox.decrypt(row.secretsCiphertext)) as Record<string, string>;
  }
}
