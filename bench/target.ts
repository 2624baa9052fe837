import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** A bench target process (bench/server.ts), ready to take traffic. */
export interface Target {
  child: ChildProcess;
  port: number;
  apiKey: string;
  /** The port of the target's control server (app targets only). */
  control: number;
}

/**
 * Starts bench/server.ts with `args` in production mode, in its own process so the load
 * generator does not share its event loop, and waits for its READY line. `nodeFlags` go
 * before the script (`--expose-gc`); BENCH_PROFILE=<dir> adds a CPU profile when `profile`.
 */
export function startTarget(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; nodeFlags?: string[]; profile?: boolean } = {},
): Promise<Target> {
  const profile =
    options.profile && process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child = spawn(
    process.execPath,
    [...(options.nodeFlags ?? []), ...profile, '-r', '@swc-node/register', join(__dirname, 'server.ts'), ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      // Production mode, as deployed: graphql-js skips its development-only instanceof checks.
      env: { ...process.env, ...options.env, NODE_ENV: 'production' },
    },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
      const match = /READY (\d+) (\S+)(?: (\d+))?/.exec(output);
      if (match) resolve({ child, port: Number(match[1]), apiKey: match[2], control: Number(match[3] ?? 0) });
    });
    child.once('exit', (code) => reject(new Error(`bench target exited with ${code}`)));
  });
}

export async function stopTarget(target: Target): Promise<void> {
  const exited = new Promise((resolve) => target.child.once('exit', resolve));
  target.child.kill('SIGTERM');
  await exited;
}
