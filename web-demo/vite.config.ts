import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The npm package `rulelab` is built by wasm-pack into ../wasm/pkg (npm start / npm test do
// that first); the playground imports it by name.
const pkg = fileURLToPath(new URL("../wasm/pkg/", import.meta.url));
// The examples' sample events are the seed test fixtures.
const fixtures = fileURLToPath(new URL("../tests/fixtures/", import.meta.url));

export default defineConfig({
  base: "./",
  resolve: {
    alias: [{ find: /^rulelab$/, replacement: `${pkg}rulelab.js` }],
  },
  server: {
    port: 8080,
    fs: { allow: [".", pkg, fixtures] },
  },
  build: {
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1024,
  },
});
