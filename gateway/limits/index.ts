// Operation limits at the gateway: see config.ts for the limits and their defaults.
export { DEFAULT_LIMITS, limitsFromEnv, type OperationLimits } from "./config";
export { LIMIT_CODE } from "./errors";
export { limitRules } from "./rules";
export { entityTypes, operationLimitsPlugin } from "./plugin";
