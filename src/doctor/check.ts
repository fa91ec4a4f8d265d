/** One finding of `authwatch doctor`. */
export interface CheckResult {
  /** `fail` makes doctor exit non-zero; `warn` is worth reading but works as configured. */
  readonly status: 'ok' | 'warn' | 'fail';
  /** What was checked, e.g. `database`, `file app`, `kafka logs`, `smtp mail`. */
  readonly name: string;
  /** What was found, in plain words. */
  readonly message: string;
  /** What to do about it; absent when all is well. */
  readonly fix?: string;
}

export const ok = (name: string, message: string): CheckResult => ({ status: 'ok', name, message });
export const warn = (name: string, message: string, fix: string): CheckResult => ({ status: 'warn', name, message, fix });
export const fail = (name: string, message: string, fix: string): CheckResult => ({ status: 'fail', name, message, fix });

/** Runs a network check with a deadline, so one hanging dependency cannot hang doctor. Milliseconds. */
export async function withDeadline(name: string, ms: number, check: () => Promise<CheckResult[]>): Promise<CheckResult[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult[]>((resolve) => {
    timer = setTimeout(() => resolve([fail(name, `no answer within ${Math.round(ms / 1000)} s`, 'Check that the host is reachable from here (firewall, DNS, proxy) and that the port is right.')]), ms);
  });
  try {
    return await Promise.race([check(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
