import {
  getNamedType,
  isInputObjectType,
  isNonNullType,
  isScalarType,
  type GraphQLInputObjectType,
  type GraphQLInputType,
} from 'graphql';
import { newId } from '../../src/crypto/ids';
import { TransactionKind, TransactionStatus, Vendor } from '../../src/domain/enums';
import { toGlobalId } from '../../src/graphql/global-id';
import { startTestApp, type TestApp } from '../support/app';
import { testDatabases } from '../support/databases';
import { insertTransaction, seedPlatform, type SeededPlatform } from '../support/fixtures';
import { graphql } from '../support/graphql-client';
import { servedSchema } from '../support/schema-inputs';

/**
 * Every mutation that moves money or changes a vendor object, against bad input of every kind
 * its fields admit: wrong types, empty and over-long strings, zero, negative and huge amounts
 * (past 2^53 and past a BIGINT), and unknown, malformed or other-tenant IDs of every node type.
 * Each is answered with a typed error with a stable code; nothing reaches a vendor and nothing
 * is written. The cases are derived from the served schema, so a new field is covered as it
 * is added; a valid input per mutation is the base each case changes one field of.
 */
const STABLE_CODES = ['BAD_USER_INPUT', 'NOT_FOUND'];
const TABLES = ['transactions', 'payouts', 'status_events', 'idempotency_keys', 'callback_inbox', 'accounts'];

describe.each(testDatabases())('bad input to money and vendor mutations, on $name', (database) => {
  let app: TestApp;
  let apiKey: string;
  let ours: { payment: string; accountType: string; account: string; client: string; biz: string };
  let theirs: SeededPlatform;

  beforeAll(async () => {
    app = await startTestApp(database, {}, {}, { background: false });
    const services = app.runtime.services;
    const seeded = await seedPlatform(services, 'alpha');
    apiKey = seeded.apiKey;
    theirs = await seedPlatform(services, 'beta');
    const payment = await insertTransaction(
      services,
      seeded.platformId,
      { clientId: seeded.clientIds[0], bizId: seeded.bizId, payerAccountId: null, payeeAccountId: null },
      { vendor: Vendor.SHOUQIANBA, kind: TransactionKind.PAYMENT, status: TransactionStatus.SUCCEEDED },
    );
    ours = {
      payment: toGlobalId('Transaction', payment),
      accountType: toGlobalId('AccountType', seeded.accountTypeId),
      account: toGlobalId('Account', seeded.clientAccountIds[0]),
      client: toGlobalId('Client', seeded.clientIds[0]),
      biz: toGlobalId('Biz', seeded.bizId),
    };
    const terminal = app.runtime.sandboxes!.shouqianba.registerTerminal('BAD-T1');
    const dealer = app.runtime.sandboxes!.yunzhanghu.registerDealer({ dealerId: 'bad-dealer' });
    const configs = [
      {
        vendor: Vendor.SHOUQIANBA,
        baseUrl: `${app.url}/sandbox/shouqianba`,
        credentials: { terminalKey: terminal.terminalKey },
        options: { terminalSn: terminal.terminalSn },
      },
      {
        vendor: Vendor.YUNZHANGHU,
        baseUrl: `${app.url}/sandbox/yunzhanghu`,
        credentials: { appKey: dealer.appKey, des3Key: dealer.des3Key },
        options: { dealerId: 'bad-dealer', brokerId: [...dealer.brokers.keys()][0] },
      },
    ];
    for (const config of configs) await services.providerConfigs.configure({ platformId: seeded.platformId }, config);
  });

  afterAll(async () => {
    await app?.stop();
  });

  /** One valid input per mutation: each case below changes exactly one field of it. */
  const BASES: Record<string, () => Record<string, unknown>> = {
    createPayment: () => ({
      idempotencyKey: `k-${newId()}`,
      method: 'BARCODE',
      amountFen: 100,
      barcode: { dynamicId: '134567890123456000' },
      clientId: ours.client,
      bizId: ours.biz,
    }),
    refundPayment: () => ({ idempotencyKey: `k-${newId()}`, paymentId: ours.payment, amountFen: 100 }),
    cancelPayment: () => ({ idempotencyKey: `k-${newId()}`, paymentId: ours.payment }),
    createPayout: () => ({
      idempotencyKey: `k-${newId()}`,
      channel: 'BANK_CARD',
      amountFen: 100,
      clientId: ours.client,
      payee: { realName: '张三', idCard: '11010519491231002X', account: '6214833000001234' },
    }),
    reportPayout: () => ({
      channel: 'BANK_CARD',
      orderId: 'report-1',
      realName: '张三',
      idCard: '11010519491231002X',
      account: '6214833000001234',
      amountFen: 100,
      paidAt: new Date().toISOString(),
      succeeded: true,
    }),
    verifyBankCard: () => ({ cardNo: '6214833000001234', idCard: '11010519491231002X', realName: '张三' }),
    createLedgerTransaction: () => ({
      idempotencyKey: `k-${newId()}`,
      payerAccountId: ours.account,
      payeeAccountId: ours.account,
      amountFen: 100,
      content: 'x',
    }),
    openLedgerAccount: () => ({ clientId: ours.client, accountTypeId: ours.accountType }),
  };

  /** The bad values a field of this type admits, each with a label. */
  function badValues(name: string, type: GraphQLInputType): Array<[string, unknown]> {
    const named = getNamedType(type);
    if (!isScalarType(named)) return [['an object where none belongs', 7]];
    switch (named.name) {
      case 'SafeInt':
      case 'Int':
        return [
          ['zero', 0],
          ['negative', -1],
          ['past 2^53', 2 ** 53],
          ['past a BIGINT', 9.3e18],
          ['a string', 'abc'],
          ...(name.toLowerCase().includes('amount') ? [['a fraction', 1.5] as [string, unknown]] : []),
        ];
      case 'ID': {
        const typeOf = (name === 'paymentId' || name === 'id' ? 'Transaction' : idType(name)) as 'Transaction';
        const foreign: Record<string, string> = {
          Transaction: toGlobalId('Transaction', theirs.transactionIds[0]),
          Client: toGlobalId('Client', theirs.clientIds[0]),
          Biz: toGlobalId('Biz', theirs.bizId),
          Account: toGlobalId('Account', theirs.clientAccountIds[0]),
          AccountType: toGlobalId('AccountType', theirs.accountTypeId),
        };
        return [
          ['unknown', toGlobalId(typeOf, newId())],
          ['malformed', 'not-an-id'],
          ['of another node type', toGlobalId('Payout', theirs.payoutIds[0])],
          ["another tenant's", foreign[typeOf] ?? toGlobalId(typeOf, newId())],
        ];
      }
      case 'String':
        return [
          ['over-long', 'x'.repeat(5_000)],
          ['a number', 42],
          ...(isNonNullType(type) && !name.toLowerCase().includes('idempotency')
            ? [['empty', ''] as [string, unknown]]
            : []),
        ];
      case 'DateTime':
        return [['not a date', 'yesterday']];
      case 'Boolean':
        return [['a string', 'yes']];
      default:
        return [['a number', 42]];
    }
  }

  function idType(field: string): string {
    const base = field.replace(/Id$/, '');
    if (/account$/i.test(base)) return base.toLowerCase() === 'accounttype' ? 'AccountType' : 'Account';
    return base.charAt(0).toUpperCase() + base.slice(1);
  }

  /** Every (path, label, value) of one mutation's input, nested inputs included. */
  function casesOf(input: GraphQLInputObjectType, base: Record<string, unknown>, prefix: string[] = []) {
    const cases: Array<{ path: string[]; label: string; value: unknown }> = [];
    for (const field of Object.values(input.getFields())) {
      const path = [...prefix, field.name];
      if (field.name === 'clientMutationId') continue;
      const named = getNamedType(field.type);
      if (isInputObjectType(named)) {
        if (base[field.name] && typeof base[field.name] === 'object')
          cases.push(...casesOf(named, base[field.name] as Record<string, unknown>, path));
        continue;
      }
      if (!(field.name in base) && isNonNullType(field.type)) continue;
      if (named.name === 'ID' && !(field.name in base)) continue;
      for (const [label, value] of badValues(field.name, field.type)) cases.push({ path, label, value });
    }
    return cases;
  }

  function withValue(base: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
    const copy = structuredClone(base);
    let target = copy as Record<string, unknown>;
    for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
    target[path.at(-1) as string] = value;
    return copy;
  }

  async function rowCounts(): Promise<number[]> {
    const source = app.runtime.services.db.dataSource;
    return Promise.all(
      TABLES.map(async (table) => Number((await source.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n)),
    );
  }

  const vendorCalls = () => app.logs.filter((line) => String(line.msg).startsWith('vendor call')).length;

  const cases = Object.keys(BASES).flatMap((mutation) => {
    const field = servedSchema().getMutationType()!.getFields()[mutation];
    const inputType = getNamedType(field.args[0].type) as GraphQLInputObjectType;
    // Built with placeholder ids; the real ones are filled in once the data exists.
    ours = { payment: 'p', accountType: 'at', account: 'a', client: 'c', biz: 'b' };
    theirs = {
      platformId: '',
      apiKey: '',
      clientIds: [''],
      bizId: '',
      accountTypeId: '',
      clientAccountIds: [''],
      bizAccountId: '',
      transactionIds: [''],
      payoutIds: [''],
    };
    return casesOf(inputType, BASES[mutation]()).map((each) => ({
      mutation,
      argType: String(field.args[0].type),
      name: `${mutation}: ${each.path.join('.')} ${each.label}`,
      path: each.path,
      label: each.label,
    }));
  });

  it.each(cases)('$name', async ({ mutation, argType, path, label }) => {
    const field = servedSchema().getMutationType()!.getFields()[mutation];
    const inputType = getNamedType(field.args[0].type) as GraphQLInputObjectType;
    // The bad value again, now that the ids of this run exist.
    const base = BASES[mutation]();
    let fieldType: GraphQLInputType = inputType;
    for (const key of path) fieldType = (getNamedType(fieldType) as GraphQLInputObjectType).getFields()[key].type;
    const value = badValues(path.at(-1) as string, fieldType).find(([each]) => each === label)?.[1];
    const before = { rows: await rowCounts(), calls: vendorCalls() };
    const response = await graphql(
      app.url,
      `mutation($input: ${argType}) { ${mutation}(input: $input) { __typename ... on ErrorResult { code } } }`,
      { input: withValue(base, path, value) },
      apiKey,
    );
    const code = response.body.errors?.[0]?.extensions?.code ?? (response.body.data?.[mutation] as any)?.code;
    expect([path.join('.'), label, STABLE_CODES.includes(String(code)) ? 'stable' : code]).toEqual([
      path.join('.'),
      label,
      'stable',
    ]);
    expect(response.status).toBeLessThan(500);
    expect(vendorCalls()).toBe(before.calls);
    expect(await rowCounts()).toEqual(before.rows);
  });
});
