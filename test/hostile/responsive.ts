// Runs a hostile request and, while it is in flight, times the gateway's /health: the process
// must stay responsive whatever the request does.
export interface HostileOutcome<T> {
  result: T;
  /** Milliseconds /health took to answer while the hostile request ran. */
  healthMs: number;
}

/** Starts `hostile`, probes /health beside it, and returns both. */
export async function whileHealthProbed<T>(gatewayUrl: string, hostile: () => Promise<T>): Promise<HostileOutcome<T>> {
  const healthUrl = new URL("/health", gatewayUrl).toString();
  const pending = hostile();
  // Let the hostile request reach the server before probing.
  await new Promise((r) => setImmediate(r));
  const started = performance.now();
  const health = await fetch(healthUrl);
  const healthMs = performance.now() - started;
  if (health.status !== 200) throw new Error(`/health answered ${health.status}`);
  return { result: await pending, healthMs };
}
