import type { Scope } from '../../auth/viewer';
import { newId } from '../../crypto/ids';
import type { SecretBox } from '../../crypto/secret-box';
import { isUniqueViolation, type Database } from '../../db/database';
import { RecordStatus } from '../../domain/enums';
import { Biz, Client } from '../../entities';
import { badUserInput } from '../../errors/app-errors';
import type { AuthService } from './auth-service';
import type { ScopedReads } from './scoped-reads';

export interface CreateClientInput {
  externalRef: string;
  name: string;
  mobile?: string | null;
}

export interface CreateBizInput {
  externalRef: string;
  name: string;
  tel?: string | null;
  address?: string | null;
  website?: string | null;
}

/** Expected business outcomes are values, not exceptions: the API turns them into typed results. */
export type CreateResult<T> =
  { ok: true; value: T } | { ok: false; error: 'DUPLICATE_EXTERNAL_REF'; externalRef: string };

export type IssueTokenResult =
  | { ok: true; token: string; expiresAt: Date; client: Client }
  | { ok: false; error: 'CLIENT_INACTIVE'; client: Client };

const MOBILE_PATTERN = /^\+?[0-9]{6,20}$/;

/** End users (clients) and merchants (bizs) of a platform. */
export class PartyService {
  private readonly decryptedNames = new WeakMap<Client, string>();

  constructor(
    private readonly db: Database,
    private readonly reads: ScopedReads,
    private readonly secretBox: SecretBox,
    private readonly auth: AuthService,
    private readonly maxTokenTtlSeconds: number,
  ) {}

  async createClient(platformId: string, input: CreateClientInput): Promise<CreateResult<Client>> {
    if (input.mobile && !MOBILE_PATTERN.test(input.mobile)) {
      throw badUserInput('mobile must be 6 to 20 digits', 'mobile');
    }
    return this.insertUnlessDuplicate(Client, platformId, input.externalRef, () =>
      Object.assign(new Client(), {
        id: newId(),
        platformId,
        externalRef: input.externalRef,
        vendorRef: null,
        nameCiphertext: this.secretBox.encrypt(input.name),
        mobileCiphertext: input.mobile ? this.secretBox.encrypt(input.mobile) : null,
        mobileIndex: input.mobile ? this.secretBox.blindIndex(input.mobile) : null,
        status: RecordStatus.ACTIVE,
      }),
    );
  }

  async createBiz(platformId: string, input: CreateBizInput): Promise<CreateResult<Biz>> {
    return this.insertUnlessDuplicate(Biz, platformId, input.externalRef, () =>
      Object.assign(new Biz(), {
        id: newId(),
        platformId,
        externalRef: input.externalRef,
        vendorRef: null,
        name: input.name,
        tel: input.tel ?? null,
        address: input.address ?? null,
        website: input.website ?? null,
        status: RecordStatus.ACTIVE,
      }),
    );
  }

  clientName(client: Client): string {
    // A list shows the same client many times (its fifty payments): decrypted once per row
    // object, which lives as long as the request that loaded it.
    let name = this.decryptedNames.get(client);
    if (name === undefined) {
      name = this.secretBox.decrypt(client.nameCiphertext);
      this.decryptedNames.set(client, name);
    }
    return name;
  }

  clientMobile(client: Client): string | null {
    return client.mobileCiphertext ? this.secretBox.decrypt(client.mobileCiphertext) : null;
  }

  async issueClientToken(scope: Scope, clientId: string, ttlSeconds: number | undefined): Promise<IssueTokenResult> {
    const ttl = ttlSeconds ?? this.maxTokenTtlSeconds;
    if (!Number.isInteger(ttl) || ttl < 30 || ttl > this.maxTokenTtlSeconds) {
      throw badUserInput(`ttlSeconds must be between 30 and ${this.maxTokenTtlSeconds}`, 'ttlSeconds');
    }
    const client = await this.reads.get('Client', scope, clientId);
    if (client.status !== RecordStatus.ACTIVE) return { ok: false, error: 'CLIENT_INACTIVE', client };
    return { ok: true, client, ...this.auth.signClientToken(scope.platformId, client.id, ttl) };
  }

  private async insertUnlessDuplicate<T extends Client | Biz>(
    entity: new () => T,
    platformId: string,
    externalRef: string,
    build: () => T,
  ): Promise<CreateResult<T>> {
    if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(externalRef)) {
      throw badUserInput('externalRef must be 1 to 64 letters, digits or _ . : -', 'externalRef');
    }
    try {
      return await this.db.transaction(async (manager) => {
        const existing = await manager.findOneBy(entity as never, { platformId, externalRef } as never);
        if (existing) return { ok: false, error: 'DUPLICATE_EXTERNAL_REF', externalRef } as const;
        const row = build();
        await manager.insert(entity, row as never);
        return { ok: true, value: row } as const;
      });
    } catch (error) {
      // Two concurrent creates: the unique index lets one win; the other is the same typed result.
      if (isUniqueViolation(error)) return { ok: false, error: 'DUPLICATE_EXTERNAL_REF', externalRef };
      throw error;
    }
  }
}
