// Runs a hostile request and, for as long as it is in flight, keeps timing the gateway's /health:
// the process must stay responsive whatever the request does.
export interface HostileOutcome<T> {
  result: T;
  /** The slowest /health answer (ms) while the hostile request ran. */
  healthMs: number;
  /** How many /health probes were made. */
  probes: number;
}

/** Starts `hostile`, probes /health back to back until it settles, and returns both. */
export async function whileHealthProbed<T>(gatewayUrl: string, hostile: () => Promise<T>): Promise<HostileOutcome<T>> {
  const healthUrl = new URL("/health", gatewayUrl).toString();
  let settled = false;
  const pending = hostile().finally(() => (settled = true));
  let healthMs = 0;
  let probes = 0;
  do {
    const started = performance.now();
    const health = await fetch(healthUrl);
    healthMs = Math.max(healthMs, performance.now() - started);
    probes += 1;
    if (health.status !== 200) throw new Error(`/health answered ${health.status}`);
  } while (!settled);
  return { result: await pending, healthMs, probes };
}
