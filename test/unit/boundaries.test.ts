import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** The lint rule of the vendor boundaries catches each way of crossing them (npm test runs it on the tree). */
describe('vendor boundaries', () => {
  // The ESLint CLI as `npm test` runs it (its config loader needs native dynamic import, which
  // Jest's module sandbox does not give).
  const messages = async (code: string, filePath: string): Promise<string[]> => {
    const run = spawnSync(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'),
        '--stdin',
        '--stdin-filename',
        filePath,
        '--format',
        'json',
      ],
      { cwd: ROOT, input: code, encoding: 'utf8' },
    );
    const [result] = JSON.parse(run.stdout) as Array<{ messages: Array<{ ruleId: string; message: string }> }>;
    return result.messages
      .filter((message) => message.ruleId === 'no-restricted-imports')
      .map((message) => message.message);
  };

  it("refuses a service importing a vendor's wire types", async () => {
    expect(
      await messages(
        "import type { OrderDetail } from '../providers/yunzhanghu/wire-types';\nexport type X = OrderDetail;\n",
        'src/services/example-service.ts',
      ),
    ).toEqual([expect.stringContaining('behind its index.ts')]);
  });

  it('refuses a provider importing a service', async () => {
    expect(
      await messages(
        "import type { PayoutService } from '../../services/payout-service';\nexport type X = PayoutService;\n",
        'src/providers/yunzhanghu/example.ts',
      ),
    ).toEqual([expect.stringContaining('no service')]);
  });

  it('refuses a service importing a vendor at all: services know capabilities', async () => {
    expect(
      await messages(
        "import type { YunzhanghuAdapter } from '../providers/yunzhanghu';\nexport type X = YunzhanghuAdapter;\n",
        'src/services/example-service.ts',
      ),
    ).toEqual([expect.stringContaining('know capabilities')]);
  });

  it("allows a capability's contract in a service, and a vendor's public surface in the composition root", async () => {
    expect(
      await messages(
        "import type { PayoutGateway } from '../providers/payouts';\nexport type X = PayoutGateway;\n",
        'src/services/example-service.ts',
      ),
    ).toEqual([]);
    expect(
      await messages(
        "import { YunzhanghuAdapter } from '../providers/yunzhanghu';\nexport const X = YunzhanghuAdapter;\n",
        'src/services/services.ts',
      ),
    ).toEqual([]);
  });
});
