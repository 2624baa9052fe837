import { Ctx, FieldResolver, ID, Resolver, Root } from 'type-graphql';
import { PayoutStatus, ReconciliationStatus } from '../../domain/enums';
import type { ReconciliationReport } from '../../entities';
import type { RequestContext } from '../../graphql/context';
import { toGlobalId } from '../../graphql/global-id';
import { Money } from '../../schema/money';
import { DiscrepancyNode, ReconciliationReportNode, ReconciliationSummary } from '../../schema/payout-types';
import { NODE_ID_DESCRIPTION } from '../../schema/node';
import type { Discrepancy } from '../../services/reconciliation/reconciliation-service';

const PAYOUT_STATUSES = new Set<string>(Object.values(PayoutStatus));
const statusOrNull = (status: string | null) =>
  status && PAYOUT_STATUSES.has(status) ? (status as PayoutStatus) : null;

/** A stored report in the API's types: counts, typed differences, and our payouts by reference, not id. */
@Resolver(() => ReconciliationReportNode)
export class ReconciliationReportResolver {
  @FieldResolver(() => ID, {
    description: NODE_ID_DESCRIPTION,
  })
  id(@Root() report: ReconciliationReport): string {
    return toGlobalId('ReconciliationReport', report.id);
  }

  @FieldResolver(() => ReconciliationStatus)
  status(@Root() report: ReconciliationReport): ReconciliationStatus {
    return report.status as ReconciliationStatus;
  }

  @FieldResolver(() => ReconciliationSummary)
  summary(@Root() report: ReconciliationReport): ReconciliationSummary {
    const counts = (report.summary ?? {}) as Partial<Record<keyof ReconciliationSummary, number>>;
    return Object.assign(new ReconciliationSummary(), {
      localPayouts: counts.localPayouts ?? 0,
      vendorOrders: counts.vendorOrders ?? 0,
      billRows: counts.billRows ?? 0,
      returns: counts.returns ?? 0,
      matched: counts.matched ?? 0,
    });
  }

  @FieldResolver(() => [DiscrepancyNode])
  discrepancies(@Root() report: ReconciliationReport, @Ctx() context: RequestContext): DiscrepancyNode[] {
    return ((report.discrepancies ?? []) as Discrepancy[]).map((found) =>
      Object.assign(new DiscrepancyNode(), {
        kind: found.kind,
        orderNo: found.orderNo,
        payout: context.loaders.related('Payout', found.payoutId),
        ourAmount: found.ourAmountFen === null ? null : Money.of(found.ourAmountFen),
        theirAmount: found.theirAmountFen === null ? null : Money.of(found.theirAmountFen),
        ourStatus: statusOrNull(found.ourStatus),
        theirStatus: statusOrNull(found.theirStatus),
        theirStatusWord: found.theirStatus && !PAYOUT_STATUSES.has(found.theirStatus) ? found.theirStatus : null,
      }),
    );
  }
}
