// Reading settings once at start-up. A missing or malformed required setting stops the process
// at once with a message that names the variable and says how to fix it.

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Returns the variable's value, or undefined when unset or blank. */
export function optionalEnv(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** Parses a TCP port (0 means "any free port"). */
export function portFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = optionalEnv(env, name);
  if (raw === undefined) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`${name} must be a port number from 0 to 65535 (got "${raw}").`);
  }
  return port;
}

/** Parses an http(s) URL setting. */
export function urlFromEnv(env: NodeJS.ProcessEnv, name: string, fallback?: string): string | undefined {
  const raw = optionalEnv(env, name) ?? fallback;
  if (raw === undefined) return undefined;
  try {
    return new URL(raw).toString();
  } catch {
    throw new ConfigError(`${name} must be a URL (got "${raw}").`);
  }
}
