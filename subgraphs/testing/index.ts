// Starts the testing subgraph as its own process.
import { runSiloMain } from "../../kernel/runtime/silo";
import { createTesting } from "./server";

runSiloMain("testing", createTesting, __dirname);
