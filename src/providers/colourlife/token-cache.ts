/**
 * Access tokens of the auth micro-service (5.1), one per platform credential. A token is
 * refreshed before it expires (at 80% of its life, or a minute before, whichever is sooner),
 * concurrent callers share one refresh, and a token the vendor rejects is dropped so the next
 * call fetches a new one.
 */
export interface IssuedToken {
  token: string;
  expiresInSeconds: number;
}

interface Cached {
  token: string;
  refreshAt: number;
}

export class AccessTokenCache {
  private readonly tokens = new Map<string, Cached>();
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(private readonly now: () => number = Date.now) {}

  async get(key: string, issue: () => Promise<IssuedToken>): Promise<string> {
    const cached = this.tokens.get(key);
    if (cached && this.now() < cached.refreshAt) return cached.token;
    const running = this.inflight.get(key);
    if (running) return running;
    const refresh = issue()
      .then(({ token, expiresInSeconds }) => {
        const lifeMs = Math.max(0, expiresInSeconds * 1000);
        const refreshAt = this.now() + Math.max(0, Math.min(lifeMs * 0.8, lifeMs - 60_000));
        this.tokens.set(key, { token, refreshAt });
        return token;
      })
      .finally(() => this.inflight.delete(key));
    this.inflight.set(key, refresh);
    return refresh;
  }

  /** The vendor said the token is invalid: forget it (only if it is still the one we hold). */
  invalidate(key: string, token: string): void {
    if (this.tokens.get(key)?.token === token) this.tokens.delete(key);
  }
}
