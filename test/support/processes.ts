import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from './wait-for';

export const PROJECT_ROOT = join(__dirname, '..', '..');

export interface RunningProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

/** Starts a project process with a clean environment plus `env`, capturing its output. */
export function startProcess(args: string[], env: NodeJS.ProcessEnv): RunningProcess {
  const child = spawn(process.execPath, args, {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk) => (out += chunk));
  child.stderr?.on('data', (chunk) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Runs a CLI command to completion and parses its JSON stdout. */
export async function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; json: any; stderr: string }> {
  const running = startProcess([join(PROJECT_ROOT, 'bin', 'paygraph.js'), ...args], env);
  const code = await running.exited;
  let json: unknown;
  try {
    json = JSON.parse(running.stdout());
  } catch {
    // Not JSON (a failed command): callers assert on code and stderr instead.
  }
  return { code, json, stderr: running.stderr() };
}

export async function waitForOutput(running: RunningProcess, pattern: RegExp, what: string): Promise<RegExpMatchArray> {
  return waitFor(
    () => {
      if (running.child.exitCode !== null) throw new Error(`process exited early: ${running.stderr()}`);
      return running.stdout().match(pattern) ?? undefined;
    },
    what,
    30_000,
  );
}

/** `npx paygraph sandbox <vendor> --merchant <id>` in its own process (it outlives crashes of the server under test). */
export async function startSandboxProcess(
  vendor: string,
  merchant: string,
): Promise<{ process: RunningProcess; baseUrl: string; merchant: Record<string, any> }> {
  const sandbox = startProcess(
    [join(PROJECT_ROOT, 'bin', 'paygraph.js'), 'sandbox', vendor, '--port', '0', '--merchant', merchant],
    { LOG_LEVEL: 'warn' },
  );
  const [, printed] = await waitForOutput(sandbox, /^(\{[\s\S]*\n\})$/m, `the ${vendor} sandbox`);
  const parsed = JSON.parse(printed);
  return { process: sandbox, baseUrl: parsed.baseUrl, merchant: parsed.merchant };
}
