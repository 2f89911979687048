// Starts the live check-in feed as its own process (services mode: hints arrive over Redis).
import { ConfigError } from "../../kernel/config/env";
import { loadFeedConfig } from "./config";
import { startFeed } from "./server";

async function main() {
  const config = loadFeedConfig();
  const running = await startFeed(config);
  console.log(`check-in feed ready at ${running.url}`);
  const stop = () => running.stop().then(() => config.hints.close()).then(() => process.exit(0), () => process.exit(1));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? `feed: ${err.message}` : err);
  process.exit(1);
});
