// Operation limits at the gateway: the defaults sit above anything the apps send (a registrar's
// visitors with names: depth 5, no aliases, cost about 5,500; an auditor's four disclosure logs,
// 1,000 rows each: cost about 29,000) and below what makes planning, validation or assembling the
// answer hold the event loop for long (docs/hardening.md: a venue → visitors → their check-ins →
// visitors query of cost 16 million answered 1.9 MB and held it for half a second; the leak scan
// test, which reads everything, raises the cost limit for itself).
import { ConfigError } from "../../kernel/config/env";

export interface OperationLimits {
  /** Off only for benchmarks that measure what the limits cost (LIMITS=off). */
  enabled: boolean;
  /** Lexical tokens per document; the parser stops counting past it (graphql-js maxTokens). */
  maxTokens: number;
  /** Nesting of fields, through fragments. */
  maxDepth: number;
  maxAliases: number;
  /** Root fields one operation may select (aliases counted). */
  maxRootFields: number;
  maxDirectives: number;
  /** Operations one document may define; more than one only when every one is named. */
  maxOperations: number;
  /** Estimated cost: each field 1, times the sizes of the lists above it, plus a hop per entity fetched from another silo. */
  maxCost: number;
  /** Fields returning an entity, fragments expanded, lists not multiplied: what planning time grows with. */
  maxEntityHops: number;
  /** What an entity field fetched through another silo adds to the cost. */
  entityHopCost: number;
  /** Assumed size of a list that takes no `first`/`last` argument. */
  defaultListSize: number;
  /** Largest `first` / `last` a client may ask for. */
  maxListArgument: number;
  /** Selections counted with fragments expanded (Apollo Server's maxRecursiveSelections). */
  maxRecursiveSelections: number;
  /** Largest request body (bulk result uploads are the largest real bodies: 20,000 results ≈ 0.9 MiB). */
  maxBodyBytes: number;
  /** Most items one list in the variables may hold (a lab's result upload is the largest: docs/testing.md). */
  maxInputListItems: number;
}

export const DEFAULT_LIMITS: OperationLimits = {
  enabled: true,
  maxTokens: 4000,
  maxDepth: 12,
  maxAliases: 30,
  maxRootFields: 12,
  maxDirectives: 30,
  maxOperations: 10,
  maxCost: 100_000,
  maxEntityHops: 60,
  entityHopCost: 2,
  defaultListSize: 10,
  maxListArgument: 200,
  maxRecursiveSelections: 5000,
  maxBodyBytes: 2 * 1024 * 1024,
  maxInputListItems: 20_000,
};

const ENV: Record<Exclude<keyof OperationLimits, "enabled">, string> = {
  maxTokens: "LIMIT_MAX_TOKENS",
  maxDepth: "LIMIT_MAX_DEPTH",
  maxAliases: "LIMIT_MAX_ALIASES",
  maxRootFields: "LIMIT_MAX_ROOT_FIELDS",
  maxDirectives: "LIMIT_MAX_DIRECTIVES",
  maxOperations: "LIMIT_MAX_OPERATIONS",
  maxCost: "LIMIT_MAX_COST",
  maxEntityHops: "LIMIT_MAX_ENTITY_HOPS",
  entityHopCost: "LIMIT_ENTITY_HOP_COST",
  defaultListSize: "LIMIT_DEFAULT_LIST_SIZE",
  maxListArgument: "LIMIT_MAX_LIST_ARGUMENT",
  maxRecursiveSelections: "LIMIT_MAX_RECURSIVE_SELECTIONS",
  maxBodyBytes: "LIMIT_MAX_BODY_BYTES",
  maxInputListItems: "LIMIT_MAX_INPUT_LIST_ITEMS",
};

/** Reads the limits from LIMIT_* variables (positive integers); LIMITS=off disables them. */
export function limitsFromEnv(env: NodeJS.ProcessEnv): OperationLimits {
  const limits: OperationLimits = { ...DEFAULT_LIMITS, enabled: env.LIMITS !== "off" };
  for (const [key, name] of Object.entries(ENV) as Array<[keyof typeof ENV, string]>) {
    const raw = env[name];
    if (raw === undefined || raw === "") continue;
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) throw new ConfigError(`${name} must be a positive integer (got "${raw}").`);
    limits[key] = n;
  }
  return limits;
}
