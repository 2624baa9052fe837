import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from '../logging/logger';
import { SandboxClock } from './clock';
import { emptyFaultPlan, parseFaultPlan, type FaultPlan } from './faults';
import { NotificationDispatcher } from './notifier';

/**
 * What every vendor emulator shares: a clock, a fault plan, a notification dispatcher and the
 * `_admin` endpoints (faults, clock). A vendor sandbox adds its own routes and state.
 */
export abstract class SandboxBase {
  readonly clock = new SandboxClock();
  faults: FaultPlan = emptyFaultPlan();
  readonly notifier: NotificationDispatcher;

  constructor(protected readonly logger: Logger) {
    this.notifier = new NotificationDispatcher(this.clock, () => this.faults, logger);
  }

  /** The vendor's own routes, relative to the sandbox base URL. */
  protected abstract vendorRoutes(router: Router): void;

  /**
   * `_admin` bodies are JSON whatever their content-type says (curl without -H works); a body
   * that is not JSON is answered 400 with a message, never a 500.
   */
  protected readonly adminJson = express.json({ type: () => true, limit: '64kb' });

  router(): Router {
    const router = express.Router();
    router.get('/_admin/faults', (_req, res) => res.json(this.faults));
    router.put('/_admin/faults', this.adminJson, (req, res) => {
      try {
        this.faults = parseFaultPlan(req.body, emptyFaultPlan());
        res.json(this.faults);
      } catch (error) {
        res.status(400).json({ error: (error as Error).message });
      }
    });
    router.post('/_admin/clock/advance', this.adminJson, async (req, res) => {
      const ms = Number((req.body as { ms?: unknown })?.ms);
      if (!Number.isInteger(ms) || ms < 0) {
        res.status(400).json({ error: 'ms must be a whole number of milliseconds' });
        return;
      }
      await this.clock.advance(ms);
      res.json({ now: new Date(this.clock.now()).toISOString(), pendingTimers: this.clock.pending });
    });
    router.get('/_admin/notifications', (_req, res) => res.json(this.notifier.attempts));
    this.vendorRoutes(router);
    router.use((error: { type?: string }, _req: Request, res: Response, next: NextFunction) => {
      if (error?.type === 'entity.parse.failed') res.status(400).json({ error: 'the body is not JSON' });
      else next(error);
    });
    return router;
  }

  /**
   * Runs an API request under the fault plan: latency first, then the next request fault, if
   * any. `work` produces the answer; for 'unknown' it runs and the connection is then dropped.
   */
  protected async withFaults(req: Request, res: Response, work: () => Promise<(res: Response) => void>): Promise<void> {
    if (this.faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.faults.latencyMs));
    const targeted = !this.faults.nextRequestsPath || req.path.endsWith(this.faults.nextRequestsPath);
    const fault = targeted ? this.faults.nextRequests.shift() : undefined;
    if (fault === 'timeout') {
      // Never answer; the client's own timeout ends it. Free the socket eventually.
      setTimeout(() => req.socket.destroy(), 120_000).unref();
      return;
    }
    if (fault === 'maintenance') {
      this.maintenanceReply(res);
      return;
    }
    if (fault === 'http500') {
      res.status(500).type('text/plain').send('Internal Server Error');
      return;
    }
    const answer = await work();
    if (fault === 'unknown') {
      req.socket.destroy();
      return;
    }
    answer(res);
  }

  /** The vendor's answer while it is down for maintenance; vendors with their own override it. */
  protected maintenanceReply(res: Response): void {
    res.status(503).type('text/plain').send('Service Unavailable');
  }

  stop(): void {
    this.clock.stop();
  }
}
