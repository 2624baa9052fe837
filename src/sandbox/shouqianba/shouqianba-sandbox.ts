import { randomBytes } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from '../../logging/logger';
import { bodySignatureHolds, readAuthorization } from './sandbox-signing';
import type { ShouqianbaEnvelope } from '../../providers/shouqianba/wire-types';
import { layout } from '../html';
import { SandboxBase } from '../sandbox-base';
import { GatewayEngine } from './engine';
import { ClientError, type SandboxOrder, type SandboxTerminal } from './state';

export {
  barcodeBehaviour,
  paywayOfBarcode,
  type BarcodeBehaviour,
  type SandboxOrder,
  type SandboxTerminal,
} from './state';

/**
 * An emulator of the Shouqianba gateway (its upay v2 API): terminals with keys, signature checks over
 * the raw body, barcode payments whose outcome the barcode chooses, QR orders paid on a scan
 * page, query, cancel (including the reversal of a same-day paid order) and repeatable
 * partial refunds, with the real service's conflict answers. State lives in memory.
 */
export class ShouqianbaSandbox extends SandboxBase {
  private readonly terminals = new Map<string, SandboxTerminal>();
  private readonly engine: GatewayEngine;

  constructor(logger: Logger, mountPath: string) {
    super(logger);
    this.engine = new GatewayEngine(this.clock, mountPath);
  }

  registerTerminal(terminalSn: string, terminalKey = randomBytes(16).toString('hex')): SandboxTerminal {
    const terminal = { terminalSn, terminalKey };
    this.terminals.set(terminalSn, terminal);
    return terminal;
  }

  /** Orders of a terminal, optionally of one client_sn (tests count them). */
  ordersOf(terminalSn: string, clientSn?: string): SandboxOrder[] {
    return [...this.engine.orders.values()].filter(
      (order) => order.terminalSn === terminalSn && (clientSn === undefined || order.clientSn === clientSn),
    );
  }

  order(sn: string): SandboxOrder | undefined {
    return this.engine.orders.get(sn);
  }

  /** The payer scans the QR code and pays (or declines) in the wallet app. */
  scan(order: SandboxOrder, decision: 'pay' | 'decline'): boolean {
    if (order.orderStatus !== 'CREATED') return false;
    this.engine.finish(order, decision === 'pay' ? 'paid' : 'failed');
    return true;
  }

  protected override maintenanceReply(res: Response): void {
    res.json({
      result_code: '500',
      error_code: 'MAINTENANCE_INPROGRESS',
      error_message: '服务端正在升级维护,稍候5分钟',
    });
  }

  protected vendorRoutes(router: Router): void {
    const raw = express.raw({ type: () => true, limit: '16kb' });
    // Express paths are case-insensitive, which also covers the spec's `Upay/v2/precreate`.
    router.post(
      '/upay/v2/pay',
      raw,
      (req, res) => void this.api(req, res, (body, terminal) => this.engine.pay(body, terminal)),
    );
    router.post(
      '/upay/v2/precreate',
      raw,
      (req, res) => void this.api(req, res, (body, terminal) => this.engine.precreate(body, terminal, req)),
    );
    router.post(
      '/upay/v2/query',
      raw,
      (req, res) => void this.api(req, res, (body, terminal) => this.engine.query(body, terminal)),
    );
    router.post(
      '/upay/v2/cancel',
      raw,
      (req, res) => void this.api(req, res, (body, terminal) => this.engine.cancel(body, terminal)),
    );
    router.post(
      '/upay/v2/refund',
      raw,
      (req, res) => void this.api(req, res, (body, terminal) => this.engine.refund(body, terminal)),
    );
    router.get('/qr/:sn', (req, res) => {
      const order = this.engine.orders.get(String(req.params.sn));
      if (!order) return void res.status(404).type('html').send(layout('二维码无效', '<h1>二维码无效</h1>'));
      res.type('html').send(this.engine.qrPage(order));
    });
    router.post('/qr/:sn/:decision', (req, res) => {
      const order = this.engine.orders.get(String(req.params.sn));
      const decision = String(req.params.decision);
      if (!order || (decision !== 'pay' && decision !== 'decline'))
        return void res.status(404).json({ error: 'no such order' });
      const changed = this.scan(order, decision);
      res
        .status(changed ? 200 : 409)
        .type('html')
        .send(this.engine.qrPage(order));
    });
    router.post('/_admin/terminals', this.adminJson, (req, res) => {
      const body = (req.body ?? {}) as { terminalSn?: unknown; terminalKey?: unknown };
      if (typeof body.terminalSn !== 'string' || !/^[A-Za-z0-9-]{1,32}$/.test(body.terminalSn)) {
        return void res.status(400).json({ error: 'terminalSn must be 1-32 letters, digits or -' });
      }
      res.json(
        this.registerTerminal(body.terminalSn, typeof body.terminalKey === 'string' ? body.terminalKey : undefined),
      );
    });
    router.get('/_admin/orders', (req, res) => {
      const terminalSn = String(req.query.terminal_sn ?? '');
      const clientSn = req.query.client_sn === undefined ? undefined : String(req.query.client_sn);
      res.json(this.ordersOf(terminalSn, clientSn).map((order) => this.engine.data(order)));
    });
  }

  /** Faults, then the terminal and signature checks over the raw bytes, then the operation. */
  private async api(
    req: Request,
    res: Response,
    operation: (body: Record<string, unknown>, terminal: SandboxTerminal) => ShouqianbaEnvelope,
  ): Promise<void> {
    await this.withFaults(req, res, async () => {
      const envelope = this.checked(req, operation);
      return (r: Response) => r.json(envelope);
    });
  }

  private checked(
    req: Request,
    operation: (body: Record<string, unknown>, terminal: SandboxTerminal) => ShouqianbaEnvelope,
  ): ShouqianbaEnvelope {
    try {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const auth = readAuthorization(req.get('authorization'));
      const terminal = auth ? this.terminals.get(auth.terminalSn) : undefined;
      if (!auth || !terminal) throw new ClientError('INVALID_TERMINAL', '终端错误');
      if (!bodySignatureHolds(raw, auth.sign, terminal.terminalKey)) throw new ClientError('ILLEGAL_SIGN', '签名错误');
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        throw new ClientError('INVALID_PARAMS', '请求主体不是JSON');
      }
      if (!body || typeof body !== 'object') throw new ClientError('INVALID_PARAMS', '请求主体不是JSON对象');
      if (body.terminal_sn !== terminal.terminalSn)
        throw new ClientError('INVALID_TERMINAL', 'terminal_sn与签名人不一致');
      return operation(body, terminal);
    } catch (error) {
      if (error instanceof ClientError) {
        return { result_code: '400', error_code: error.errorCode, error_message: error.message };
      }
      this.logger.error({ err: error }, 'shouqianba sandbox failed');
      return { result_code: '500', error_code: 'UNKNOWN_SYSTEM_ERROR', error_message: '未知的系统错误' };
    }
  }
}
