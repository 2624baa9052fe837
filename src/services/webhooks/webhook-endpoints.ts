import { randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Scope } from '../../auth/viewer';
import { newId } from '../../crypto/ids';
import type { SecretBox } from '../../crypto/secret-box';
import type { Database } from '../../db/database';
import { EntityKind, EventSource, type EventType, WebhookEndpointStatus } from '../../domain/enums';
import { canTransition, WEBHOOK_ENDPOINT_TRANSITIONS } from '../../domain/transitions';
import { Platform, type StatusEvent, WebhookEndpoint } from '../../entities';
import { badUserInput } from '../../errors/app-errors';
import { refusedUrl, type TargetPolicy } from '../../webhooks/target-guard';
import { appendEvents, lockSequence } from '../events/event-sequence';
import type { StatusWriter } from '../events/status-writer';
import type { ScopedReads, Page, PageArgs } from '../tenancy/scoped-reads';

/** The longest a rotated-out secret may keep signing. */
export const MAX_SECRET_GRACE_SECONDS = 7 * 24 * 3600;
/** Endpoints per platform: enough for any integration, few enough that a fan-out stays cheap. */
export const MAX_ENDPOINTS_PER_PLATFORM = 16;

export interface EndpointFields {
  url: string;
  eventTypes: EventType[];
  description?: string | null;
}

export interface UrlPolicy extends TargetPolicy {
  requireHttps: boolean;
}

/** A secret as shown once to its owner: `whsec_` and 32 random bytes. */
function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/**
 * Webhook endpoints: made, changed, disabled and enabled, rotated and deleted by their
 * platform. A change of status is written with its event in one transaction, through the
 * endpoint's transitions table, like every other status in paygraph.
 */
export class WebhookEndpoints {
  constructor(
    private readonly db: Database,
    private readonly reads: ScopedReads,
    private readonly secretBox: SecretBox,
    private readonly statusWriter: StatusWriter,
    private readonly urlPolicy: () => UrlPolicy,
  ) {}

  /**
   * Set by the wiring: an endpoint was changed here (made, edited, rotated, deleted, disabled,
   * enabled). `ready` when it now takes deliveries it did not before (made, enabled).
   */
  onChanged?: (change: { endpointId: string; platformId: string; ready: boolean }) => void;

  list(scope: Scope, args: PageArgs): Promise<Page<WebhookEndpoint>> {
    return this.reads.page('WebhookEndpoint', scope, args);
  }

  /** Any platform's endpoint, for the delivery engine; null once deleted. */
  findById(id: string): Promise<WebhookEndpoint | null> {
    return this.db.manager.findOne(WebhookEndpoint, { where: { id } });
  }

  get(scope: Scope, id: string): Promise<WebhookEndpoint> {
    return this.reads.get('WebhookEndpoint', scope, id);
  }

  /** Makes an endpoint that receives the events committed from now on. Returns its secret, once. */
  async create(scope: Scope, fields: EndpointFields): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    this.checkUrl(fields.url);
    const secret = newSecret();
    const endpoint = await this.db.transaction(async (manager) => {
      // Locked, so the endpoint starts exactly after the last event committed before it.
      await lockSequence(this.db, manager, scope.platformId);
      const platform = await manager.findOneOrFail(Platform, { where: { id: scope.platformId } });
      const count = await manager.countBy(WebhookEndpoint, { platformId: scope.platformId });
      if (count >= MAX_ENDPOINTS_PER_PLATFORM)
        throw badUserInput(`A platform has at most ${MAX_ENDPOINTS_PER_PLATFORM} webhook endpoints`, 'url');
      const row = Object.assign(new WebhookEndpoint(), {
        id: newId(),
        platformId: scope.platformId,
        url: fields.url,
        description: fields.description ?? null,
        eventTypes: [...new Set(fields.eventTypes)],
        status: WebhookEndpointStatus.ENABLED,
        disabledReason: null,
        secretCiphertext: this.secretBox.encrypt(secret),
        previousSecretCiphertext: null,
        previousSecretExpiresAt: null,
        dispatchedSequence: platform.lastEventSequence,
      });
      await manager.insert(WebhookEndpoint, row);
      return row;
    });
    this.onChanged?.({ endpointId: endpoint.id, platformId: scope.platformId, ready: true });
    return { endpoint: await this.get(scope, endpoint.id), secret };
  }

  async update(scope: Scope, id: string, fields: Partial<EndpointFields>): Promise<WebhookEndpoint> {
    const endpoint = await this.get(scope, id);
    if (fields.url !== undefined) this.checkUrl(fields.url);
    const patch: Partial<WebhookEndpoint> = {};
    if (fields.url !== undefined) patch.url = fields.url;
    if (fields.eventTypes !== undefined) patch.eventTypes = [...new Set(fields.eventTypes)];
    if (fields.description !== undefined) patch.description = fields.description;
    if (Object.keys(patch).length > 0)
      await this.db.write((manager) => manager.update(WebhookEndpoint, endpoint.id, patch));
    this.onChanged?.({ endpointId: endpoint.id, platformId: endpoint.platformId, ready: false });
    return this.get(scope, id);
  }

  /** Deletes the endpoint with its deliveries and their attempts. */
  async delete(scope: Scope, id: string): Promise<void> {
    const endpoint = await this.get(scope, id);
    await this.db.transaction(async (manager) => {
      await manager.query('DELETE FROM `webhook_attempts` WHERE `endpointId` = ?', [endpoint.id]);
      await manager.query('DELETE FROM `webhook_deliveries` WHERE `endpointId` = ?', [endpoint.id]);
      await manager.delete(WebhookEndpoint, { id: endpoint.id });
    });
    this.onChanged?.({ endpointId: endpoint.id, platformId: endpoint.platformId, ready: false });
  }

  /**
   * A new secret; the old one keeps signing for `graceSeconds` (0 ends it now), so receivers
   * can switch without refusing a delivery. Returns the new secret, once.
   */
  async rotateSecret(
    scope: Scope,
    id: string,
    graceSeconds: number,
  ): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > MAX_SECRET_GRACE_SECONDS)
      throw badUserInput(`graceSeconds must be between 0 and ${MAX_SECRET_GRACE_SECONDS}`, 'graceSeconds');
    const endpoint = await this.get(scope, id);
    const secret = newSecret();
    await this.db.write((manager) =>
      manager.update(WebhookEndpoint, endpoint.id, {
        secretCiphertext: this.secretBox.encrypt(secret),
        previousSecretCiphertext: graceSeconds > 0 ? endpoint.secretCiphertext : null,
        previousSecretExpiresAt: graceSeconds > 0 ? new Date(Date.now() + graceSeconds * 1000) : null,
      }),
    );
    this.onChanged?.({ endpointId: endpoint.id, platformId: endpoint.platformId, ready: false });
    return { endpoint: await this.get(scope, id), secret };
  }

  /** The secrets that sign a delivery now: the current one, and the previous one in its grace period. */
  signingSecrets(endpoint: WebhookEndpoint, now = Date.now()): string[] {
    const secrets = [this.secretBox.decrypt(endpoint.secretCiphertext)];
    if (endpoint.previousSecretCiphertext && (endpoint.previousSecretExpiresAt?.getTime() ?? 0) > now)
      secrets.push(this.secretBox.decrypt(endpoint.previousSecretCiphertext));
    return secrets;
  }

  /** The owner's disable or enable; a no-op when it is already so. */
  async setStatus(scope: Scope, id: string, to: WebhookEndpointStatus): Promise<WebhookEndpoint> {
    const endpoint = await this.get(scope, id);
    await this.changeStatus(
      endpoint.id,
      to,
      EventSource.API,
      to === WebhookEndpointStatus.DISABLED ? 'disabled by its owner' : null,
    );
    return this.get(scope, id);
  }

  /**
   * Moves an endpoint's status through its transitions table, with its event, in one
   * transaction; the event is published after the commit. Returns the event, or undefined
   * when the endpoint is gone or already in that status.
   */
  async changeStatus(
    endpointId: string,
    to: WebhookEndpointStatus,
    source: EventSource,
    reason: string | null,
  ): Promise<StatusEvent | undefined> {
    const event = await this.db.transaction(async (manager) => {
      const current = await this.lockEndpoint(manager, endpointId);
      if (!current || !canTransition(WEBHOOK_ENDPOINT_TRANSITIONS, current.status, to)) return undefined;
      await manager.update(WebhookEndpoint, current.id, { status: to, disabledReason: reason });
      const [appended] = await appendEvents(this.db, manager, [
        {
          platformId: current.platformId,
          entityKind: EntityKind.WEBHOOK_ENDPOINT,
          entityId: current.id,
          clientId: null,
          bizId: null,
          parentId: null,
          fromStatus: current.status,
          toStatus: to,
          source,
          terminal: false,
          detail: reason ? { reason } : null,
        },
      ]);
      return appended;
    });
    // Told before the event is published: once enabled, the event itself is dispatched to it.
    if (event)
      this.onChanged?.({ endpointId, platformId: event.platformId, ready: to === WebhookEndpointStatus.ENABLED });
    if (event) this.statusWriter.publish(event);
    return event;
  }

  /** The endpoint's row, locked; the platform's sequence lock first, as every event writer takes them. */
  private async lockEndpoint(manager: EntityManager, endpointId: string): Promise<WebhookEndpoint | null> {
    const found = await manager.findOne(WebhookEndpoint, {
      where: { id: endpointId },
      select: { id: true, platformId: true },
    });
    if (!found) return null;
    await lockSequence(this.db, manager, found.platformId);
    const query = manager
      .getRepository(WebhookEndpoint)
      .createQueryBuilder('endpoint')
      .where('endpoint.id = :id', { id: endpointId });
    if (this.db.kind === 'mysql') query.setLock('pessimistic_write');
    return query.getOne();
  }

  private checkUrl(url: string): void {
    const refused = refusedUrl(url, this.urlPolicy());
    if (refused) throw badUserInput(`The URL ${refused}`, 'url');
  }
}
