// Readiness: the gateway is ready only when every subgraph answers its own /ready.
import type { Fetcher } from "@apollo/utils.fetcher";

export interface SubgraphReadiness {
  name: string;
  ready: boolean;
}

/** Asks each subgraph's /ready (beside its /graphql) with a short timeout. */
export async function checkSubgraphs(urls: Record<string, string>, fetcher: Fetcher, timeoutMs = 2000): Promise<SubgraphReadiness[]> {
  return Promise.all(
    Object.entries(urls).map(async ([name, url]) => {
      const readyUrl = new URL("/ready", url).toString();
      const timeout = new Promise<boolean>((resolve) => setTimeout(resolve, timeoutMs, false).unref());
      const probe = fetcher(readyUrl).then((r) => r.ok, () => false);
      return { name, ready: await Promise.race([probe, timeout]) };
    }),
  );
}
