// Starts the gateway as its own process.
import { ConfigError } from "../kernel/config/env";
import { loadGatewayConfig } from "./config";
import { startGateway } from "./server";
import { startTracingFromEnv } from "../kernel/observability";

async function main() {
  const tracing = startTracingFromEnv();
  const running = await startGateway(loadGatewayConfig());
  console.log(`gateway ready at ${running.url}`);
  const stop = () => running.stop().then(() => tracing?.shutdown()).then(() => process.exit(0), () => process.exit(1));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? `gateway: ${err.message}` : err);
  process.exit(1);
});
