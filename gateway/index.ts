// Starts the gateway as its own process.
import { ConfigError } from "../kernel/config/env";
import { applyNiceFromEnv } from "../kernel/config/processRole";
import { loadGatewayConfig } from "./config";
import { startGateway } from "./server";
import { startTracingFromEnv } from "../kernel/observability";

async function main() {
  // An ingest replica (labs' uploads) runs with PROCESS_NICE set, so the read gateway wins the CPU.
  applyNiceFromEnv(process.env);
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
