// Tests run TypeScript through SWC (no type-check here: `npm run typecheck` does that).
// PGlite loads its WebAssembly with a dynamic import, which jest's VM only allows with
// --experimental-vm-modules; the npm scripts set it.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }],
    // jose ships ES modules only; Node 20.19+ loads them through require(esm), jest's runtime does not.
    "/node_modules/jose/.+\\.js$": ["@swc/jest", { jsc: { target: "es2022" }, module: { type: "commonjs" } }],
  },
  transformIgnorePatterns: ["/node_modules/(?!jose/)"],
  // Integration files start whole graphs (five servers, four databases) in beforeAll; on a busy
  // 2-core machine that alone can pass a minute.
  testTimeout: 180000,
};
