import { PayoutChannel, PayoutStatus, TransactionStatus, Vendor } from '../../src/domain/enums';
import { cashierStatus } from '../../src/providers/cashier/status-map';
import { CASHIER_RESULT_CODES } from '../../src/providers/cashier/wire-types';
import { ledgerStatusOf } from '../../src/providers/colourlife/status-map';
import { TRANSACTION_STATUSES } from '../../src/providers/colourlife/wire-types';
import type { ResolvedProviderConfig } from '../../src/providers/config';
import { UnknownOutcomeError, VendorUnavailableError } from '../../src/providers/http-client';
import { paymentStatusOf } from '../../src/providers/shouqianba/status-map';
import { ORDER_STATUSES as UPAY_ORDER_STATUSES } from '../../src/providers/shouqianba/wire-types';
import { payoutStatusOf } from '../../src/providers/yunzhanghu/status-map';
import { ORDER_STATUSES, STATUS_DETAILS } from '../../src/providers/yunzhanghu/wire-types';
import { Capability } from '../../src/providers/capabilities';
import type { TestApp } from './app';
import { CASHIER_CALLBACKS, COLOURLIFE_CALLBACKS, YUNZHANGHU_CALLBACKS, type CallbackDriver } from './callback-drivers';

/** What every vendor's query answers, in the contract's words. */
export type QueryVerdict = 'found' | 'refused' | 'not sent' | 'unknown outcome';

/**
 * One vendor as the provider contract suite drives it: how to register with its sandbox, how to
 * ask it about an order through its capability adapter, which sandbox path that query takes,
 * and every status code its maps must cover. A fifth vendor adds one driver to VENDOR_DRIVERS.
 */
export interface ContractDriver {
  vendor: Vendor;
  /** A configuration of this app's sandbox for the vendor. */
  configure(app: TestApp): ResolvedProviderConfig;
  /** Asks the vendor, through the capability adapter, about `reference` (our order, or its own number). */
  query(app: TestApp, config: ResolvedProviderConfig, reference: string): Promise<QueryVerdict>;
  /** A reference the vendor cannot know. */
  unknownReference: string;
  /** The sandbox path the query takes, to lose exactly its answer. */
  queryPath: string;
  sandbox(app: TestApp): { faults: { nextRequests: string[]; nextRequestsPath?: string } };
  /** Every status code of the spec, mapped: each must land in our enum. */
  mappedStatuses(): Array<[code: string, status: string]>;
  statusEnum: Record<string, string>;
  /** How its callbacks are driven; undefined for a vendor that sends none. */
  callbacks?: CallbackDriver;
}

/** Transport failures are thrown by the payments adapters and returned by the others: one verdict. */
async function verdictOf(outcome: Promise<{ kind: string }>): Promise<QueryVerdict> {
  try {
    const { kind } = await outcome;
    if (kind === 'found') return 'found';
    if (kind === 'refused') return 'refused';
    if (kind === 'unreachable' || kind === 'not_sent') return 'not sent';
    return 'unknown outcome';
  } catch (error) {
    if (error instanceof VendorUnavailableError) return 'not sent';
    if (error instanceof UnknownOutcomeError) return 'unknown outcome';
    throw error;
  }
}

const adapters = (app: TestApp) => app.runtime.services.providers;

export const VENDOR_DRIVERS: ContractDriver[] = [
  {
    vendor: Vendor.CASHIER,
    configure: (app) => {
      const merchant = app.runtime.sandboxes!.cashier.registerMerchant('CONTRACT01');
      return {
        vendor: Vendor.CASHIER,
        baseUrl: `${app.url}/sandbox/cashier`,
        secrets: { signKey: merchant.signKey },
        options: { merchantId: merchant.merid },
      };
    },
    query: (app, config, reference) =>
      verdictOf(adapters(app).paymentsAdapter(Vendor.CASHIER)!.queryPayment(config, reference)),
    unknownReference: 'UNKNOWN0000000001',
    queryPath: '/api/query',
    sandbox: (app) => app.runtime.sandboxes!.cashier,
    mappedStatuses: () => CASHIER_RESULT_CODES.map((code) => [code, cashierStatus(code)]),
    statusEnum: TransactionStatus,
    callbacks: CASHIER_CALLBACKS,
  },
  {
    vendor: Vendor.SHOUQIANBA,
    configure: (app) => {
      const terminal = app.runtime.sandboxes!.shouqianba.registerTerminal('CONTRACT-T1');
      return {
        vendor: Vendor.SHOUQIANBA,
        baseUrl: `${app.url}/sandbox/shouqianba`,
        secrets: { terminalKey: terminal.terminalKey },
        options: { terminalSn: terminal.terminalSn },
      };
    },
    query: (app, config, reference) =>
      verdictOf(adapters(app).paymentsAdapter(Vendor.SHOUQIANBA)!.queryPayment(config, reference)),
    unknownReference: 'f'.repeat(32),
    queryPath: '/upay/v2/query',
    sandbox: (app) => app.runtime.sandboxes!.shouqianba,
    mappedStatuses: () => UPAY_ORDER_STATUSES.map((code) => [code, paymentStatusOf(code)]),
    statusEnum: TransactionStatus,
  },
  {
    vendor: Vendor.YUNZHANGHU,
    configure: (app) => {
      const dealer = app.runtime.sandboxes!.yunzhanghu.registerDealer({ dealerId: 'contract-dealer' });
      return {
        vendor: Vendor.YUNZHANGHU,
        baseUrl: `${app.url}/sandbox/yunzhanghu`,
        secrets: { appKey: dealer.appKey, des3Key: dealer.des3Key },
        options: { dealerId: dealer.dealerId, brokerId: [...dealer.brokers.keys()][0] },
      };
    },
    query: (app, config, reference) =>
      verdictOf(
        adapters(app)
          .adapter(Capability.PAYOUTS, Vendor.YUNZHANGHU)!
          .queryPayout(config, reference, PayoutChannel.BANK_CARD),
      ),
    unknownReference: 'f'.repeat(32),
    queryPath: '/api/payment/v1/query-realtime-order',
    sandbox: (app) => app.runtime.sandboxes!.yunzhanghu,
    mappedStatuses: () =>
      ORDER_STATUSES.flatMap((status) =>
        STATUS_DETAILS.map((detail): [string, string] => [`${status}/${detail}`, payoutStatusOf(status, detail)]),
      ),
    statusEnum: PayoutStatus,
    callbacks: YUNZHANGHU_CALLBACKS,
  },
  {
    vendor: Vendor.COLOURLIFE,
    configure: (app) => {
      const platform = app.runtime.sandboxes!.colourlife.registerPlatform({ pno: 'contract-pno' });
      return {
        vendor: Vendor.COLOURLIFE,
        baseUrl: `${app.url}/sandbox/colourlife`,
        secrets: { authAccount: platform.authAccount, authPassword: platform.authPassword },
        options: { pno: platform.pno },
      };
    },
    query: (app, config, reference) =>
      verdictOf(adapters(app).adapter(Capability.LEDGER, Vendor.COLOURLIFE)!.queryTransfer(config, reference)),
    unknownReference: '2612_unknown0000000000000000000',
    queryPath: '/transaction/get',
    sandbox: (app) => app.runtime.sandboxes!.colourlife,
    mappedStatuses: () => Object.values(TRANSACTION_STATUSES).map((code) => [String(code), ledgerStatusOf(code)]),
    statusEnum: TransactionStatus,
    callbacks: COLOURLIFE_CALLBACKS,
  },
];
