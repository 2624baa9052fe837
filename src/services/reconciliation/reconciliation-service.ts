import { chinaDay, chinaHour } from '../../domain/china-time';
import type { Scope } from '../../auth/viewer';
import { newId } from '../../crypto/ids';
import type { Database } from '../../db/database';
import { DiscrepancyKind, PayoutStatus, ReconciliationStatus, Vendor } from '../../domain/enums';
import { Payout, ProviderConfig, ReconciliationReport } from '../../entities';
import { badUserInput } from '../../errors/app-errors';
import type { Logger } from '../../logging/logger';
import type { PayoutGateway, VendorDayRecord } from '../../providers/payouts';
import type { PayoutResult, PayoutService } from '../payouts/payout-service';
import { refusalOf } from '../payments/vendor-refusal';
import { decodeCursor, pageSize, type Page } from '../tenancy/scoped-reads';

export type Discrepancy = {
  kind: DiscrepancyKind;
  orderNo: string;
  payoutId: string | null;
  ourAmountFen: number | null;
  theirAmountFen: number | null;
  ourStatus: string | null;
  theirStatus: string | null;
};

/**
 * Reconciles a day: downloads the vendor's order and bill files (gzip CSV) and compares them
 * with the local payouts created that day. Reports what is missing on either side and every
 * amount or status that differs; a return (退汇) in the bill file must show as RETURNED here.
 * Stored per platform and day (running it again replaces it); a background task runs it daily.
 */
export class ReconciliationService {
  constructor(
    private readonly db: Database,
    private readonly payouts: PayoutService,
    private readonly adapter: PayoutGateway,
    private readonly logger: Logger,
  ) {}

  /** What "now" is; tests move it forward to reconcile a day whose payouts they just made. */
  clock: () => Date = () => new Date();

  async reconcile(scope: Scope, day: string): Promise<PayoutResult<{ report: ReconciliationReport }>> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00+08:00`))) {
      throw badUserInput('day must be a date like 2026-11-21', 'day');
    }
    // A day still going on (China time, the vendor's) has no final files: a report of it would
    // say MATCHED over payouts that are yet to come. Nothing is fetched or stored.
    if (day >= chinaDay(this.clock())) {
      throw badUserInput(`day ${day} has not ended yet in China time; reconcile it from the next day on`, 'day');
    }
    const config = await this.payouts.config(scope.platformId);
    if (!config) return this.payouts.notConfigured();
    const files = await this.adapter.dayRecord(config, day);
    if (files.kind !== 'ok') return refusalOf(files);
    const start = new Date(`${day}T00:00:00+08:00`);
    const end = new Date(start.getTime() + 86_400_000);
    const local = await this.db.manager
      .getRepository(Payout)
      .createQueryBuilder('p')
      .where('p.platformId = :platformId AND p.vendor = :vendor', {
        platformId: scope.platformId,
        vendor: Vendor.YUNZHANGHU,
      })
      .andWhere('p.createdAt >= :start AND p.createdAt < :end', { start, end })
      .getMany();
    const discrepancies = this.compare(local, files.data);
    const summary = {
      localPayouts: local.length,
      vendorOrders: files.data.orders.length,
      billRows: files.data.billRows,
      returns: files.data.returnedOrderNos.size,
      matched: local.length - discrepancies.filter((d) => d.payoutId !== null).length,
    };
    const report = await this.db.transaction(async (manager) => {
      const existing = await manager.findOneBy(ReconciliationReport, {
        platformId: scope.platformId,
        vendor: Vendor.YUNZHANGHU,
        day,
      });
      const row = Object.assign(existing ?? new ReconciliationReport(), {
        id: existing?.id ?? newId(),
        platformId: scope.platformId,
        vendor: Vendor.YUNZHANGHU,
        day,
        status: discrepancies.length === 0 ? ReconciliationStatus.MATCHED : ReconciliationStatus.DISCREPANCIES,
        summary,
        discrepancies,
      });
      await manager.save(ReconciliationReport, row);
      return row;
    });
    return { ok: true, report };
  }

  /**
   * The platform's reports, newest day first, a page at a time. The cursor is the day of the
   * last report seen (one report per platform, vendor and day; the id breaks a tie).
   */
  async reports(
    scope: Scope,
    query: { day?: string; first?: number | null; after?: string | null },
  ): Promise<Page<ReconciliationReport>> {
    const first = pageSize(query.first);
    const builder = this.db.manager
      .getRepository(ReconciliationReport)
      .createQueryBuilder('row')
      .where('row.platformId = :platformId', { platformId: scope.platformId });
    if (query.day) builder.andWhere('row.day = :day', { day: query.day });
    if (query.after) {
      const [day, id] = decodeCursor(query.after).split('/');
      if (!day || !id) throw badUserInput('`after` is not a cursor from this API', 'after');
      builder.andWhere('(row.day < :day OR (row.day = :day AND row.id < :id))', { day, id });
    }
    const rows = await builder
      .orderBy('row.day', 'DESC')
      .addOrderBy('row.id', 'DESC')
      .limit(first + 1)
      .getMany();
    return { items: rows.slice(0, first), hasNextPage: rows.length > first };
  }

  /** Our payouts of a day against the vendor's record of it, in domain terms. */
  compare(local: Payout[], vendor: VendorDayRecord): Discrepancy[] {
    const found: Discrepancy[] = [];
    const byOrderNo = new Map(local.map((payout) => [payout.orderNo, payout]));
    const vendorOrders = new Map(vendor.orders.map((order) => [order.orderNo, order]));
    for (const payout of local) {
      const order = vendorOrders.get(payout.orderNo);
      const base = {
        orderNo: payout.orderNo,
        payoutId: payout.id,
        ourAmountFen: payout.amountFen,
        ourStatus: payout.status,
      };
      if (!order) {
        // A payout the vendor refused at once never became an order: nothing to find.
        if (payout.status !== PayoutStatus.FAILED || payout.vendorRef) {
          found.push({ kind: DiscrepancyKind.MISSING_AT_VENDOR, ...base, theirAmountFen: null, theirStatus: null });
        }
        continue;
      }
      if (order.amountFen !== payout.amountFen)
        found.push({
          kind: DiscrepancyKind.AMOUNT_MISMATCH,
          ...base,
          theirAmountFen: order.amountFen,
          theirStatus: order.statusWord,
        });
      const theirs = vendor.returnedOrderNos.has(payout.orderNo) ? PayoutStatus.RETURNED : order.status;
      if (theirs === 'UNKNOWN') {
        found.push({
          kind: DiscrepancyKind.UNKNOWN_AT_VENDOR,
          ...base,
          theirAmountFen: order.amountFen,
          theirStatus: order.statusWord,
        });
      } else if (theirs !== payout.status) {
        found.push({
          kind: DiscrepancyKind.STATUS_MISMATCH,
          ...base,
          theirAmountFen: order.amountFen,
          theirStatus: theirs,
        });
      }
    }
    for (const [orderNo, order] of vendorOrders) {
      if (!byOrderNo.has(orderNo)) {
        found.push({
          kind: DiscrepancyKind.MISSING_LOCALLY,
          orderNo,
          payoutId: null,
          ourAmountFen: null,
          theirAmountFen: order.amountFen,
          ourStatus: null,
          theirStatus: order.statusWord,
        });
      }
    }
    return found;
  }

  /** The daily run: yesterday's report for every platform with a payout gateway, once its records exist (after 04:00 China time). */
  async runDaily(now = new Date()): Promise<number> {
    if (chinaHour(now) < 4) return 0;
    const yesterday = chinaDay(new Date(now.getTime() - 86_400_000));
    const configs = await this.db.manager.findBy(ProviderConfig, { vendor: Vendor.YUNZHANGHU });
    let ran = 0;
    for (const config of configs) {
      const done = await this.db.manager.countBy(ReconciliationReport, {
        platformId: config.platformId,
        vendor: Vendor.YUNZHANGHU,
        day: yesterday,
      });
      if (done) continue;
      const result = await this.reconcile({ platformId: config.platformId }, yesterday).catch((error: unknown) => {
        this.logger.warn({ platformId: config.platformId, err: String(error) }, 'daily reconciliation failed');
        return undefined;
      });
      if (result?.ok) ran += 1;
    }
    return ran;
  }
}
