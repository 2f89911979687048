// The planning worker: plans operations against the supergraph off the gateway's event loop, so
// the gateway learns how long a plan takes without spending that time itself. Plain CommonJS: a
// worker thread runs it directly, with no TypeScript loader. Messages: {id, query, operationName}
// in; {id, ms, error?, limit?} out.
"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const { performance } = require("node:perf_hooks");
const { parse } = require("graphql");
const { Supergraph, operationFromDocument } = require("@apollo/federation-internals");
const { QueryPlanner } = require("@apollo/query-planner");

const supergraph = Supergraph.build(workerData.supergraphSdl);
const apiSchema = supergraph.apiSchema();
const planner = new QueryPlanner(supergraph);

parentPort.on("message", ({ id, query, operationName }) => {
  const started = performance.now();
  try {
    const operation = operationFromDocument(apiSchema, parse(query), { operationName: operationName ?? undefined });
    planner.buildQueryPlan(operation);
    parentPort.postMessage({ id, ms: performance.now() - started });
  } catch (err) {
    const message = err && err.message ? String(err.message) : String(err);
    // The planner's own guards ("… exceeds limit"): the operation is too large to plan.
    parentPort.postMessage({ id, ms: performance.now() - started, error: message, limit: /exceeds limit/i.test(message) });
  }
});
parentPort.postMessage({ ready: true });
