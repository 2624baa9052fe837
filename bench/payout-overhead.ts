import { startTarget, stopTarget } from './target';
import { percentile } from './percentile';

export interface OverheadResult {
  label: string;
  calls: number;
  /** Our own time per call, the vendor's subtracted (Server-Timing `app`). */
  p50: number;
  p99: number;
  /** The vendor's time per call (Server-Timing `vendor`), for scale. */
  vendorP50: number;
  statements: number;
  transactions: number;
}

const CREATE_PAYOUT = `mutation($input: CreatePayoutInput!) { createPayout(input: $input) { __typename } }`;

/**
 * Our own overhead on createPayout: CALLS sequential bank card payouts against the in-process
 * Yunzhanghu sandbox, each answer's Server-Timing giving the server's time with the vendor's
 * call subtracted, and the SQL statements and transactions the mutation ran.
 */
export async function measurePayoutOverhead(label: string, database: string[], calls: number): Promise<OverheadResult> {
  const target = await startTarget(['app', ...database], { env: { BENCH_PAYOUTS: '1' } });
  const { port, apiKey } = target;
  try {
    const own: number[] = [];
    const vendor: number[] = [];
    let statements = 0;
    let transactions = 0;
    // The first tenth warms up (JIT, pools, the vendor's token of the day) and is not timed.
    const warmup = Math.ceil(calls / 10);
    for (let n = 0; n < warmup + calls; n += 1) {
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({
          query: CREATE_PAYOUT,
          variables: {
            input: {
              idempotencyKey: `overhead-${n}`,
              channel: 'BANK_CARD',
              amountFen: 100 + n,
              payee: {
                realName: '张三',
                idCard: '11010519491231002X',
                account: `62148331039${String(n).padStart(5, '0')}`,
              },
            },
          },
        }),
      });
      const timing = response.headers.get('server-timing') ?? '';
      const body = (await response.json()) as { data?: { createPayout?: { __typename: string } } };
      if (body.data?.createPayout?.__typename !== 'CreatePayoutPayload')
        throw new Error(`payout bench: ${JSON.stringify(body)}`);
      if (n < warmup) continue;
      own.push(Number(/app;dur=([\d.]+)/.exec(timing)?.[1]));
      vendor.push(Number(/vendor;dur=([\d.]+)/.exec(timing)?.[1]));
      statements = Number(/sql;desc="(\d+)/.exec(timing)?.[1]);
      transactions = Number(/tx;desc="(\d+)/.exec(timing)?.[1]);
    }
    own.sort((a, b) => a - b);
    vendor.sort((a, b) => a - b);
    return {
      label,
      calls,
      p50: percentile(own, 50),
      p99: percentile(own, 99),
      vendorP50: percentile(vendor, 50),
      statements,
      transactions,
    };
  } finally {
    await stopTarget(target);
  }
}
