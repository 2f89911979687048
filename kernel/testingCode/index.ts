// Testing codes (核酸码): issued and signed by health-code, verified by testing and venues with
// the public key alone. See docs/health-code.md.
export * from "./format";
export { signTestingCode, type IssuedTestingCode } from "./sign";
export { verifyTestingCode, testingCodeRefusal, type VerifyOptions } from "./verify";
export { MemoryReplayGuard, type ReplayGuard } from "./replay";
export { loadTestingCodeKeys, loadTestingCodeVerifyKey, type TestingCodeKeys } from "./keys";
