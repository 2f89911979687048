// Starts the health-code subgraph as its own process.
import { runSiloMain } from "../../kernel/runtime/silo";
import { createHealthCode } from "./server";

runSiloMain("health-code", createHealthCode, __dirname);
