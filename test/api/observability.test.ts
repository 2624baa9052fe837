import { testDatabases } from '../support/databases';
import { card, yunzhanghuHarness } from '../support/yunzhanghu';

/**
 * What an operator sees of one payout: its request's id on every log line (the vendor call's
 * too), and the metrics of the GraphQL request, the vendor call and the notification.
 */
describe('observability of a payout', () => {
  const h = yunzhanghuHarness(testDatabases()[0]);

  it('tags the request and its vendor calls with one request id, and counts them in /metrics', async () => {
    const response = await fetch(`${h.app.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${h.apiKey}`,
        'x-request-id': 'req-observability-1',
      },
      body: JSON.stringify({
        query: `mutation Pay($input: CreatePayoutInput!) { createPayout(input: $input) { __typename ... on PayoutPayload { payout { id } } } }`,
        variables: {
          input: {
            idempotencyKey: 'observed-1',
            channel: 'BANK_CARD',
            amountFen: 1_500,
            payee: { realName: '张三', idCard: '11010519491231002X', account: card('7007') },
          },
        },
      }),
    });
    expect(response.headers.get('x-request-id')).toBe('req-observability-1');
    const { data } = (await response.json()) as any;
    expect(data.createPayout.__typename).toBe('CreatePayoutPayload');
    const tagged = h.app.logs.filter((line) => line.requestId === 'req-observability-1');
    expect(tagged.some((line) => line.msg === 'vendor call' && line.vendor === 'YUNZHANGHU')).toBe(true);
    await h.settles(data.createPayout.payout.id, 'SUCCEEDED');

    const metrics = await (await fetch(`${h.app.url}/metrics`)).text();
    expect(metrics).toMatch(/paygraph_graphql_requests_total\{operation="Pay",outcome="ok"\} 1/);
    expect(metrics).toMatch(/paygraph_vendor_calls_total\{vendor="YUNZHANGHU",operation="[^"]+",outcome="ok"\} \d/);
    expect(metrics).toMatch(/paygraph_callbacks_total\{vendor="YUNZHANGHU",result="applied"\} [1-9]/);
    expect(metrics).toMatch(/paygraph_needs_attention\{entity="payout"\} 0/);
    expect(metrics).toMatch(/paygraph_outbox_lag_seconds_count [1-9]/);
    expect(metrics).toMatch(/paygraph_job_queue_depth \d/);
  });
});
