import { signWebhookPayload, verifyWebhookSignature } from '../../src/webhooks/signature';

/** The worked example of the README's "Webhooks" section, computed independently with openssl. */
const BODY = '{"id":"ZXZlbnQ6MQ","type":"PAYMENT","sequence":1}';
const SECRET = 'whsec_example_0123456789';
const ROTATED = 'whsec_rotated_abcdef';
const T = 1796198400;
const V1 = 'a7905f07a148eb470dfbb045ebd4bf089078837bb3ba22a077ee271ddeb70cb3';
const V1_ROTATED = 'd49adf8dfb55db6232e7b00771a20d3e5ed3787d6cb0e0413676c5beb4a27f91';

describe('webhook signatures', () => {
  it('signs as the worked example: t, then one v1 per valid secret', () => {
    expect(signWebhookPayload(BODY, [SECRET], T)).toBe(`t=${T},v1=${V1}`);
    expect(signWebhookPayload(Buffer.from(BODY), [SECRET, ROTATED], T)).toBe(`t=${T},v1=${V1},v1=${V1_ROTATED}`);
  });

  it('verifies with either secret while a rotation lets both sign', () => {
    const header = signWebhookPayload(BODY, [SECRET, ROTATED], T);
    expect(verifyWebhookSignature({ body: BODY, header, secret: SECRET, now: T })).toEqual({ ok: true, timestamp: T });
    expect(verifyWebhookSignature({ body: BODY, header, secret: ROTATED, now: T + 10 })).toEqual({
      ok: true,
      timestamp: T,
    });
    // After the grace period only the new secret signs: the old one no longer verifies.
    const after = signWebhookPayload(BODY, [ROTATED], T);
    expect(verifyWebhookSignature({ body: BODY, header: after, secret: SECRET, now: T })).toEqual({
      ok: false,
      reason: 'no matching signature',
    });
  });

  it('refuses a changed body, an old or future timestamp, and a malformed or missing header', () => {
    const header = signWebhookPayload(BODY, [SECRET], T);
    const verify = (overrides: Partial<Parameters<typeof verifyWebhookSignature>[0]>) =>
      verifyWebhookSignature({ body: BODY, header, secret: SECRET, now: T, ...overrides });
    expect(verify({ body: BODY.replace('1}', '2}') })).toEqual({ ok: false, reason: 'no matching signature' });
    expect(verify({ now: T + 301 })).toEqual({ ok: false, reason: 'too old' });
    expect(verify({ now: T - 301 })).toEqual({ ok: false, reason: 'too old' });
    expect(verify({ now: T + 600, toleranceSeconds: 900 })).toEqual({ ok: true, timestamp: T });
    expect(verify({ header: undefined })).toEqual({ ok: false, reason: 'no signature' });
    expect(verify({ header: `v1=${V1}` })).toEqual({ ok: false, reason: 'malformed' });
    expect(verify({ header: `t=${T},v1=${V1.slice(0, 63)}` })).toEqual({ ok: false, reason: 'malformed' });
    expect(verify({ header: `t=${T},v1=${'0'.repeat(64)}` })).toEqual({ ok: false, reason: 'no matching signature' });
  });
});
