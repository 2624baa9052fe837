import { chinaDateTime, chinaDay } from '../../domain/china-time';
import { maskAccount, maskCard, maskName } from '../../domain/personal-data';
import { createHmac, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Request, Response } from 'express';
import { toCsv } from '../../providers/yunzhanghu/transformers';
import { fenToYuan } from '../../domain/money';
import { BILL_FILE_COLUMNS, ORDER_FILE_COLUMNS } from '../../providers/yunzhanghu/wire-types';
import { CHANNEL_NAMES, Refusal, type SandboxDealer } from './state';
import type { SandboxClock } from '../clock';

/** 2.2's daily files: the order and bill files of a dealer's day, built from the sandbox's own orders, behind signed URLs. */
export class DailyFiles {
  private readonly fileSecret = randomBytes(16).toString('hex');

  constructor(
    private readonly dealers: Map<string, SandboxDealer>,
    private readonly clock: SandboxClock,
    private readonly mountPath: string,
  ) {}

  fileUrl(req: Request, dealer: SandboxDealer, kind: 'order' | 'bill', date: string): string {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Refusal('1002', '日期格式应为2017-01-01');
    // Kept 90 days, then the URL is "".
    if (this.clock.now() - Date.parse(`${date}T00:00:00+08:00`) > 90 * 86_400_000) return '';
    const token = createHmac('sha256', this.fileSecret)
      .update(`${dealer.dealerId}/${kind}/${date}`)
      .digest('hex')
      .slice(0, 32);
    return `${req.protocol}://${req.get('host')}${this.mountPath}/files/${dealer.dealerId}/${kind}/${date}.csv.gz?token=${token}`;
  }

  serveFile(req: Request, res: Response): void {
    const dealer = this.dealers.get(String(req.params.dealerId));
    const kind = String(req.params.kind);
    const date = String(req.params.file).replace(/\.csv\.gz$/, '');
    const token = createHmac('sha256', this.fileSecret)
      .update(`${dealer?.dealerId}/${kind}/${date}`)
      .digest('hex')
      .slice(0, 32);
    if (!dealer || (kind !== 'order' && kind !== 'bill') || req.query.token !== token)
      return void res.status(404).send('not found');
    res
      .type('application/gzip')
      .send(
        gzipSync(Buffer.from(kind === 'order' ? this.orderFile(dealer, date) : this.billFile(dealer, date), 'utf8')),
      );
  }

  /** 2.2 1): one row per order created that day (China time). */
  orderFile(dealer: SandboxDealer, date: string): string {
    const names: Record<number, string> = {
      [-1]: '删除',
      0: '打款中',
      1: '成功',
      2: '失败',
      4: '挂单',
      5: '-/-',
      8: '打款中',
      9: '退汇',
      11: '-/-',
      15: '删除',
      18: '成功',
    };
    const rows = [...dealer.orders.values()]
      .filter((o) => chinaDay(o.createdAt) === date)
      .map((o) => [
        o.orderId,
        o.ref,
        '',
        maskName(o.realName),
        o.brokerId,
        o.status === 1 && o.statusDetail === 27 ? '成功(待领取)' : names[o.status],
        o.channel === 'bankCard' ? maskCard(o.account) : maskAccount(o.account),
        CHANNEL_NAMES[o.channel],
        fenToYuan(o.payFen),
        fenToYuan(o.feeFen),
        o.bills[0]?.channelRef ?? '',
        '-/-',
        '-/-',
        '-/-',
        chinaDateTime(o.createdAt),
        o.finishedAt ? chinaDateTime(o.finishedAt) : '',
      ]);
    return toCsv([[...ORDER_FILE_COLUMNS], ...rows]);
  }

  /** 2.2 2): one row per movement that day; a return adds rows, the original ones stay. */
  billFile(dealer: SandboxDealer, date: string): string {
    const rows = [...dealer.orders.values()].flatMap((o) =>
      o.bills
        .filter((b) => chinaDay(b.at) === date)
        .map((b) => [
          o.orderId,
          o.ref,
          b.billId,
          b.type,
          '成功',
          b.type.endsWith('费') ? '-/-' : CHANNEL_NAMES[o.channel],
          maskName(o.realName),
          o.brokerId,
          fenToYuan(b.amountFen),
          b.channelRef,
          chinaDateTime(o.createdAt),
          chinaDateTime(b.at),
        ]),
    );
    return toCsv([[...BILL_FILE_COLUMNS], ...rows]);
  }
}
