// Starts the venues subgraph as its own process.
import { runSiloMain } from "../../kernel/runtime/silo";
import { createVenues } from "./server";

runSiloMain("venues", createVenues, __dirname);
