// Starts the appeals subgraph as its own process.
import { runSiloMain } from "../../kernel/runtime/silo";
import { createAppeals } from "./server";

runSiloMain("appeals", createAppeals, __dirname);
