/**
 * Crash points for fault tests: when PAYGRAPH_FAILPOINTS names a point (comma-separated), the
 * process kills itself there with SIGKILL, as a power cut would, with no cleanup. Ignored in
 * production, where the variable must never take effect.
 */
export function failpoint(name: string): void {
  if (process.env.NODE_ENV === 'production') return;
  const armed = (process.env.PAYGRAPH_FAILPOINTS ?? '').split(',').map((point) => point.trim());
  if (armed.includes(name)) process.kill(process.pid, 'SIGKILL');
}
