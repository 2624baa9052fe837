import type { Client } from 'graphql-ws';
import type { SandboxDealer, YunzhanghuSandbox } from '../../src/sandbox/yunzhanghu/yunzhanghu-sandbox';
import { startTestApp, type TestApp } from './app';
import type { TestDatabase } from './databases';
import { graphqlData } from './graphql-client';
import { waitFor } from './wait-for';
import { CONFIGURE_PROVIDER, configureProviderInput } from './provider-settings';

export const ID_CARD = '11010519491231002X';
export const OTHER_ID = '12010119881214214X';

/** A card number ending in `suffix` (the sandbox reads its magic from the end); no checksum. */
export function card(suffix: string): string {
  return `6214833${'0'.repeat(9 - suffix.length)}${suffix}`;
}

export const PAYOUT_FIELDS = `id status channel orderNo vendorRef amount { fen } vendorStatus vendorStatusDetail
  payee { realName idCard account phoneNo } failure { reason vendorCode }
  statusHistory { fromStatus toStatus source detail }`;
export const CREATE = `mutation($input: CreatePayoutInput!) { createPayout(input: $input) {
  __typename ... on PayoutPayload { replayed payout { ${PAYOUT_FIELDS} } }
  ... on PayoutRefusedError { code message failure { reason vendorCode } affectedPayout { ${PAYOUT_FIELDS} } }
  ... on InvalidInputError { code fields { field message } } } }`;
export const VERIFY = `__typename ... on VerificationPayload { verified status ref failure { reason vendorCode message } } ... on VendorRefusedError { code message } ... on InvalidInputError { code fields { field message } }`;

/**
 * One app with the Yunzhanghu sandbox and a configured dealer, its hooks registered in the
 * calling describe. Fields are filled in beforeAll.
 */
export function yunzhanghuHarness(database: TestDatabase) {
  const h = {
    app: undefined as unknown as TestApp,
    sandbox: undefined as unknown as YunzhanghuSandbox,
    dealer: undefined as unknown as SandboxDealer,
    apiKey: '',
    platformId: '',
    keys: 0,
    sockets: [] as Client[],
    gql: (query: string, variables: Record<string, unknown> = {}) => graphqlData(h.app.url, query, variables, h.apiKey),
    create: (input: Record<string, unknown>) =>
      h.gql(CREATE, { input: { idempotencyKey: `p-${++h.keys}`, ...input } }).then((data) => data.createPayout),
    bankPayout: (cardNo: string, amountFen = 10_000, extra: Record<string, unknown> = {}) =>
      h.create({
        channel: 'BANK_CARD',
        amountFen,
        payee: { realName: '张三', idCard: ID_CARD, account: cardNo, phoneNo: '13488795491' },
        ...extra,
      }),
    payout: async (id: string): Promise<any> =>
      (await h.gql(`query($id: ID!) { node(id: $id) { ... on Payout { ${PAYOUT_FIELDS} } } }`, { id })).node,
    settles: async (id: string, status: string): Promise<any> => {
      let last: any;
      await waitFor(async () => (last = await h.payout(id)).status === status, `payout ${status}`, 10_000);
      return last;
    },
  };

  beforeAll(async () => {
    h.app = await startTestApp(database, { paymentPollDelayMs: 100 });
    h.sandbox = h.app.runtime.sandboxes!.yunzhanghu;
    const created = await h.app.runtime.services.platforms.createPlatform('payouts');
    h.apiKey = created.apiKey;
    h.platformId = created.platform.id;
    h.dealer = h.sandbox.registerDealer({
      dealerId: 'dealer-1',
      brokerId: 'yiyun73',
      notifyUrl: `${h.app.url}/callbacks/yunzhanghu/${h.platformId}`,
      balancesFen: { bankCard: 10_000_000, alipay: 1_000, wechat: 1_000_000 },
    });
    await h.gql(CONFIGURE_PROVIDER, {
      input: configureProviderInput({
        vendor: 'YUNZHANGHU',
        baseUrl: `${h.app.url}/sandbox/yunzhanghu`,
        credentials: { appKey: h.dealer.appKey, des3Key: h.dealer.des3Key },
        options: { dealerId: 'dealer-1', brokerId: 'yiyun73' },
      }),
    });
  });

  afterAll(async () => {
    await Promise.all(h.sockets.map((socket) => socket.dispose()));
    await h.app?.stop();
  });

  afterEach(() => {
    h.sandbox.faults.nextRequests = [];
  });

  return h;
}
