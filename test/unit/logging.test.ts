import { Writable } from 'node:stream';
import { createLogger } from '../../src/logging/logger';

describe('logger redaction', () => {
  it('never writes secrets, tokens or personal data', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger('info', sink);
    logger.info(
      {
        authorization: 'Bearer pgk_secret',
        req: { headers: { authorization: 'Bearer pgk_secret2' } },
        config: { credentials: { key: 'k' }, apiKey: 'pgk_x' },
        payee: { mobile: '13800138000', idCard: '110101199001011234', cardNo: '6222020000000000' },
        request: { variables: { password: 'p' } },
      },
      'hello',
    );
    const output = lines.join('');
    for (const secret of [
      'pgk_secret',
      'pgk_secret2',
      'pgk_x',
      '13800138000',
      '110101199001011234',
      '6222020000000000',
      '"p"',
    ]) {
      expect(output).not.toContain(secret);
    }
    expect(output).toContain('[redacted]');
  });
});
