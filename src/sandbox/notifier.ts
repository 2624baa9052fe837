import type { Logger } from '../logging/logger';
import type { SandboxClock } from './clock';
import type { FaultPlan } from './faults';

export interface OutgoingNotification {
  /** Send one attempt; resolve true when the receiver acknowledged in the vendor's format. */
  send(): Promise<boolean>;
  /** For logs. */
  label: string;
  /** Where it goes: checked against the dispatcher's allowTarget before any attempt. */
  target: string;
}

/**
 * Delivers a vendor's notifications on its retry schedule, on the sandbox clock, until the
 * receiver acknowledges or the schedule runs out, applying the callback faults of the plan.
 */
export class NotificationDispatcher {
  private held?: () => Promise<void>;
  /** Attempts made, acknowledged or not (tests and the admin endpoint read it). */
  readonly attempts: Array<{ label: string; attempt: number; at: number; acknowledged: boolean | 'dropped' }> = [];

  /**
   * Which URLs notifications may go to. A standalone sandbox calls whatever it is given; the
   * sandboxes inside a paygraph server call back only to that server's own callback routes, so
   * a caller cannot make the server send requests anywhere else.
   */
  allowTarget: (url: string) => boolean = () => true;

  constructor(
    private readonly clock: SandboxClock,
    private readonly faults: () => FaultPlan,
    private readonly logger: Logger,
  ) {}

  /**
   * `delaysMs[0]` is the delay of the first attempt (usually 0), each next one the wait after
   * a failed attempt; its length is the maximum number of attempts.
   */
  dispatch(notification: OutgoingNotification, delaysMs: readonly number[]): void {
    if (!this.allowedTarget(notification.target)) {
      this.logger.warn(
        { notification: notification.label },
        "sandbox refuses to notify a URL outside this server's callback routes",
      );
      return;
    }
    const attempt = async (index: number): Promise<void> => {
      const plan = this.faults();
      let acknowledged: boolean | 'dropped';
      if (plan.dropCallbacks > 0) {
        plan.dropCallbacks -= 1;
        acknowledged = 'dropped';
      } else {
        acknowledged = await this.sendWithFaults(notification, plan);
      }
      this.attempts.push({ label: notification.label, attempt: index + 1, at: this.clock.now(), acknowledged });
      if (acknowledged === true) return;
      if (index + 1 < delaysMs.length) this.clock.setTimer(delaysMs[index + 1], () => attempt(index + 1));
      else this.logger.warn({ notification: notification.label }, 'sandbox gave up notifying after the last retry');
    };
    this.clock.setTimer(delaysMs[0] ?? 0, () => attempt(0));
  }

  private allowedTarget(target: string): boolean {
    try {
      return this.allowTarget(new URL(target).toString());
    } catch {
      return false;
    }
  }

  private async sendWithFaults(notification: OutgoingNotification, plan: FaultPlan): Promise<boolean> {
    if (plan.reorderNextCallback) {
      // Hold this one back; it is sent right after the next notification's first attempt.
      plan.reorderNextCallback = false;
      this.held = async () => void (await this.safeSend(notification));
      return false;
    }
    const held = this.held;
    this.held = undefined;
    let acknowledged = await this.safeSend(notification);
    if (plan.duplicateCallbacks > 0) {
      plan.duplicateCallbacks -= 1;
      acknowledged = (await this.safeSend(notification)) || acknowledged;
    }
    if (held) await held();
    return acknowledged;
  }

  private async safeSend(notification: OutgoingNotification): Promise<boolean> {
    try {
      return await notification.send();
    } catch (error) {
      this.logger.debug({ notification: notification.label, err: String(error) }, 'sandbox notification failed');
      return false;
    }
  }
}
