// Builds everything `npm start` serves, without serving: the wasm package (wasm/pkg) and the
// playground (web-demo/dist).
//
//   node scripts/build.mjs        (npm run build)

import { buildWasm, buildWeb, isMain, step, StepError, red } from "./setup.mjs";

export async function buildAll() {
  await step("build wasm package (wasm/pkg)", buildWasm);
  await step("build playground (web-demo/dist)", buildWeb);
}

if (isMain(import.meta.url)) {
  try {
    await buildAll();
  } catch (error) {
    if (!(error instanceof StepError)) throw error;
    console.error(red(`\n✗ ${error.message}`));
    process.exit(1);
  }
}
