// The identity kernel: document validation, pseudonymous person ids, and masking.
export * from "./documents";
export * from "./citizenId";
export * from "./regions";
export * from "./phone";
export * from "./pseudonym";
export * from "./mask";
export * from "./freeText";
