// `npm start`: install what is missing, build the wasm package and the playground, and serve
// it on http://localhost:8080 (PORT=... to change).

import { buildAll } from "./build.mjs";
import { serveForever } from "./serve.mjs";
import { StepError, WEB_DIST, red } from "./setup.mjs";

try {
  await buildAll();
} catch (error) {
  if (!(error instanceof StepError)) throw error;
  console.error(red(`\n✗ ${error.message}`));
  process.exit(1);
}

await serveForever({ root: WEB_DIST, port: Number(process.env.PORT) || 8080, host: "127.0.0.1" });
