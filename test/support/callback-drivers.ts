import { PayoutStatus, TransactionKind, TransactionStatus, Vendor } from '../../src/domain/enums';
import { fenToYuan } from '../../src/domain/money';
import { Payout, Transaction } from '../../src/entities';
import { createLogger } from '../../src/logging/logger';
import { AccountOwnerKind, AccountTypeKind } from '../../src/domain/enums';
import { ColourlifeAdapter, ColourlifeLedger } from '../../src/providers/colourlife';
import type { ResolvedProviderConfig } from '../../src/providers/config';
import { VendorHttpClient } from '../../src/providers/http-client';
import { signedMessage } from '../../src/sandbox/cashier/sandbox-signing';
import { sealForClient } from '../../src/sandbox/yunzhanghu/sandbox-crypto';
import type { TestApp } from './app';
import { insertPayout, insertTransaction } from './fixtures';

/** A notification as it reaches `/callbacks/<vendor>/<platformId><rest>`. */
export interface SignedCallback {
  rest: string;
  contentType: string;
  body: string;
}

export interface OurRow {
  id: string;
  orderNo: string;
}

/**
 * How the contract suite drives a vendor's callbacks: our row waiting for the vendor's word, and
 * the notification the vendor would send that it succeeded, signed as the vendor signs (with
 * the sandbox's own signing code), or signed with a key that is not the platform's.
 */
export interface CallbackDriver {
  /** Our row in the state a notification moves on from, of `amountFen`. */
  ourRow(app: TestApp, platformId: string, amountFen: number): Promise<OurRow>;
  statusOf(app: TestApp, row: OurRow): Promise<string>;
  /** The vendor's notification that `row` succeeded with `reportedFen`. */
  succeeded(
    app: TestApp,
    config: ResolvedProviderConfig,
    row: OurRow,
    reportedFen: number,
    key?: 'right' | 'wrong',
  ): Promise<SignedCallback>;
  /** The same notification with its body changed after it was signed. */
  tampered(callback: SignedCallback): SignedCallback;
  /** The same notification with one character of its signature changed. */
  badSignature(callback: SignedCallback): SignedCallback;
  settled: string;
  needsAttention: string;
}

/** Changes the last character of a hex or base64 string: the smallest signature that is wrong. */
function flipLast(text: string): string {
  const last = text.at(-1);
  return text.slice(0, -1) + (last === '0' ? '1' : '0');
}

const WRONG_KEY = 'not-the-platforms-key-0123456789';

const paymentRow =
  (vendor: Vendor, kind: TransactionKind) => async (app: TestApp, platformId: string, amountFen: number) => {
    const id = await insertTransaction(
      app.runtime.services,
      platformId,
      { clientId: null, bizId: null, payerAccountId: null, payeeAccountId: null },
      { vendor, kind, status: TransactionStatus.PROCESSING, amountFen },
    );
    const orderNo = id.replace(/-/g, '');
    await app.runtime.services.db.manager.update(Transaction, { id }, { orderNo });
    return { id, orderNo };
  };

const transactionStatus = async (app: TestApp, row: OurRow) =>
  (await app.runtime.services.db.manager.findOneByOrFail(Transaction, { id: row.id })).status;

export const CASHIER_CALLBACKS: CallbackDriver = {
  ourRow: paymentRow(Vendor.CASHIER, TransactionKind.PAYMENT),
  statusOf: transactionStatus,
  succeeded: async (_app, config, row, reportedFen, key = 'right') => {
    const message = {
      resultcode: '0000',
      queryid: String(Date.now()),
      txnamt: reportedFen,
      merid: config.options.merchantId,
      orderid: row.orderNo,
    };
    const { payload, sign } = signedMessage(message, key === 'right' ? String(config.secrets.signKey) : WRONG_KEY);
    return { rest: '', contentType: 'application/json', body: JSON.stringify({ resp: payload, sign }) };
  },
  tampered: (callback) => {
    const body = JSON.parse(callback.body) as { resp: string; sign: string };
    const message = JSON.parse(Buffer.from(body.resp, 'base64').toString('utf8')) as { txnamt: number };
    const resp = Buffer.from(JSON.stringify({ ...message, txnamt: message.txnamt + 1 })).toString('base64');
    return { ...callback, body: JSON.stringify({ ...body, resp }) };
  },
  badSignature: (callback) => {
    const body = JSON.parse(callback.body) as { resp: string; sign: string };
    return { ...callback, body: JSON.stringify({ ...body, sign: flipLast(body.sign) }) };
  },
  settled: TransactionStatus.SUCCEEDED,
  needsAttention: TransactionStatus.NEEDS_ATTENTION,
};

export const YUNZHANGHU_CALLBACKS: CallbackDriver = {
  ourRow: (app, platformId, amountFen) => insertPayout(app.runtime.services, platformId, amountFen),
  statusOf: async (app, row) => (await app.runtime.services.db.manager.findOneByOrFail(Payout, { id: row.id })).status,
  succeeded: async (_app, config, row, reportedFen, key = 'right') => {
    const payload = {
      notify_id: `${Date.now()}${Math.floor(Math.random() * 1e5)}`,
      notify_time: '2026-12-01 00:00:00',
      data: {
        order_id: row.orderNo,
        pay: fenToYuan(reportedFen),
        status: '1',
        status_detail: 0,
        ref: '1053000000000001',
      },
    };
    const keys = {
      appKey: key === 'right' ? String(config.secrets.appKey) : WRONG_KEY,
      des3Key: String(config.secrets.des3Key),
    };
    const envelope = sealForClient(payload, keys, Date.now());
    return {
      rest: '',
      contentType: 'application/x-www-form-urlencoded',
      body: new URLSearchParams(envelope).toString(),
    };
  },
  tampered: (callback) => {
    const form = new URLSearchParams(callback.body);
    // The encrypted data with one character changed: the signature covers it.
    form.set('data', flipLast(form.get('data') ?? ''));
    return { ...callback, body: form.toString() };
  },
  badSignature: (callback) => {
    const form = new URLSearchParams(callback.body);
    form.set('sign', flipLast(form.get('sign') ?? ''));
    return { ...callback, body: form.toString() };
  },
  settled: PayoutStatus.SUCCEEDED,
  needsAttention: PayoutStatus.NEEDS_ATTENTION,
};

/**
 * Colourlife signs nothing: its callback is trusted only for its tno, on a path that carries a
 * secret only the platform's credentials give, and the ledger's own record (re-read) decides.
 * "The vendor's notification" here is a transfer made at the sandbox ledger under our order
 * number, then the callback naming its tno.
 */
export const COLOURLIFE_CALLBACKS: CallbackDriver = {
  ourRow: paymentRow(Vendor.COLOURLIFE, TransactionKind.LEDGER),
  statusOf: transactionStatus,
  succeeded: async (_app, config, row, reportedFen, key = 'right') => {
    const ledger = new ColourlifeLedger(new ColourlifeAdapter(new VendorHttpClient(createLogger('silent'))));
    const types = await ledger.accountTypes(config);
    if (types.kind !== 'ok') throw new Error('the sandbox ledger has no account types');
    const fanpiao = types.content.types.find((type) => type.kind === AccountTypeKind.FANPIAO);
    if (!fanpiao) throw new Error('no fanpiao account type');
    const opened = await ledger.open(config, {
      owner: AccountOwnerKind.CLIENT,
      platformAccountNo: fanpiao.platformAccountNo,
      canNegative: false,
      mobile: '13900000000',
      name: 'contract',
    });
    if (opened.kind !== 'ok') throw new Error('could not open a client account');
    const side = { kind: fanpiao.kind, typeRef: fanpiao.typeRef, platformAccountNo: fanpiao.platformAccountNo };
    const request = ledger.transferRequest(
      'fast',
      { orderNo: row.orderNo, amountFen: reportedFen, content: 'contract' },
      { ...side, owner: AccountOwnerKind.PLATFORM, ownerRef: null, accountNo: fanpiao.platformAccountNo },
      {
        ...side,
        owner: AccountOwnerKind.CLIENT,
        ownerRef: opened.content.ownerRef,
        accountNo: opened.content.accountNo,
      },
    );
    // No callback of the sandbox's own: the test posts the notification itself. The same order
    // number again (a second notification of one transfer) is the ledger's first transfer.
    const sent = await ledger.send(config, 'fast', request, 'http://127.0.0.1:9/unused');
    const tno = sent.kind === 'ok' || sent.kind === 'already_made' ? sent.ref : undefined;
    if (!tno) throw new Error('the sandbox ledger refused the transfer');
    const secret = key === 'right' ? ledger.callbackPath(config) : WRONG_KEY.padEnd(40, '0').slice(0, 40);
    return { rest: `/${secret}`, contentType: 'application/json', body: JSON.stringify({ tno }) };
  },
  tampered: (callback) => {
    const { tno } = JSON.parse(callback.body) as { tno: string };
    return { ...callback, body: JSON.stringify({ tno: flipLast(tno) }) };
  },
  badSignature: (callback) => ({ ...callback, rest: flipLast(callback.rest) }),
  settled: TransactionStatus.SUCCEEDED,
  needsAttention: TransactionStatus.NEEDS_ATTENTION,
};
