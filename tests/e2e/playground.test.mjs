// End-to-end test of the playground (web-demo/dist) in Debian's Chromium, driven by
// playwright-core. Run by `npm test` after the playground is built; alone:
//   node --test tests/e2e/
// Screenshots land in target/e2e/.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";

import { chromium } from "playwright-core";

import { startServer } from "../../scripts/serve.mjs";
import { CHROMIUM, ROOT, WEB_DIST, ensureChromium } from "../../scripts/setup.mjs";

const SHOTS = path.join(ROOT, "target", "e2e");
const PRELOADED = readFileSync(path.join(ROOT, "web-demo", "src", "examples", "002_msiexec_dll_network.kql"), "utf8");
// Three Sysmon records (certutil download, network connection, notepad); see make_sysmon_evtx.py beside it.
const SYSMON_EVTX = path.join(ROOT, "cli", "tests", "fixtures", "evtx", "sysmon.evtx");
const CERTUTIL_RULE = `title: Certutil download
id: 19b08b1c-861d-4e75-a1ef-ea0c1baf202b
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        OriginalFileName: CertUtil.exe
        CommandLine|contains: urlcache
    condition: selection
level: high
`;

// Chromium as root in a closed network: no sandbox, no background traffic.
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--headless",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

describe("playground", () => {
  let served;
  let browser;
  let page;
  const problems = [];

  before(async () => {
    ensureChromium();
    assert.ok(existsSync(path.join(WEB_DIST, "index.html")), "web-demo/dist is missing: build the playground first (npm test does)");
    mkdirSync(SHOTS, { recursive: true });
    served = await startServer({ root: WEB_DIST, port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console error: ${message.text()}`);
    });
    page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
  }, { timeout: 600_000 });

  after(async () => {
    await browser?.close();
    await served?.close();
  });

  const count = (selector) => page.locator(selector).count();
  const text = (selector) => page.locator(selector).innerText();
  const editorText = () => page.evaluate(() => [...document.querySelectorAll("#editor .cm-line")].map((line) => line.textContent).join("\n"));

  test("loads the seed rule with no errors", { timeout: 60_000 }, async () => {
    const response = await page.goto(served.url);
    assert.equal(response?.status(), 200);
    await page.waitForSelector("body[data-ready='true']", { timeout: 30_000 });

    assert.equal((await editorText()).trim(), PRELOADED.trim());
    assert.equal(await page.locator("#status").getAttribute("data-state"), "ok");
    assert.match(await text("#status-text"), /✓ no errors/);
    assert.equal(await text("#language"), "kql");
    assert.match(await text("#version"), /^rulelab \d+\.\d+\.\d+/);
    assert.equal(await count(".cm-lintRange-error"), 0);
    assert.equal(await count("[data-testid=diagnostic][data-severity=error]"), 0);
    await page.screenshot({ path: path.join(SHOTS, "1-loaded.png") });
  });

  test("the preloaded events fire the rule, the quiet set does not, with stage counts", { timeout: 60_000 }, async () => {
    await page.waitForFunction(() => document.getElementById("result-summary")?.dataset.rows === "2", null, { timeout: 10_000 });
    assert.equal(await count("[data-testid=result-row]"), 2);
    assert.match(await text("#result-table"), /MSIEXEC -z C:\\ProgramData\\x\.dll/);
    assert.ok((await count("[data-testid=stage]")) >= 6);
    await page.screenshot({ path: path.join(SHOTS, "1b-evaluated.png"), fullPage: true });

    await page.selectOption("#event-set", "1");
    await page.waitForFunction(() => document.getElementById("result-summary")?.dataset.rows === "0", null, { timeout: 10_000 });
    assert.equal(await count("[data-testid=result-row]"), 0);
    assert.ok((await count(".stage.dropped")) >= 3, "the exclusions drop rows at several stages");
    assert.equal(await page.locator("#result-error").isHidden(), true);

    // Moving `now` a day later puts every event out of the rule's one-hour window.
    await page.selectOption("#event-set", "0");
    await page.waitForFunction(() => document.getElementById("result-summary")?.dataset.rows === "2", null, { timeout: 10_000 });
    await page.fill("#now", "2025-10-02T12:00:00Z");
    await page.waitForFunction(() => document.getElementById("result-summary")?.dataset.rows === "0", null, { timeout: 10_000 });
    await page.fill("#now", "2025-10-01T12:00:00Z");
    await page.waitForFunction(() => document.getElementById("result-summary")?.dataset.rows === "2", null, { timeout: 10_000 });
  });

  test("the wasm module is served as application/wasm", { timeout: 30_000 }, async () => {
    const url = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => e.name).find((n) => n.endsWith(".wasm")));
    assert.ok(url, "no .wasm was loaded");
    const response = await fetch(url);
    assert.equal(response.headers.get("content-type"), "application/wasm");
  });

  test("typing a broken query shows a diagnostic; fixing it clears it", { timeout: 60_000 }, async () => {
    await page.click("#editor .cm-content");
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.type("T | where x == 'unterminated");

    await page.waitForSelector(".cm-lintRange-error", { timeout: 10_000 });
    const item = page.locator("[data-testid=diagnostic][data-code=KQL102]");
    await item.waitFor({ timeout: 10_000 });
    assert.equal(await item.getAttribute("data-severity"), "error");
    assert.match(await item.innerText(), /1:16/);
    assert.equal(await page.locator("#status").getAttribute("data-state"), "errors");
    assert.match(await text("#status-text"), /\b1 error\b/);
    await page.screenshot({ path: path.join(SHOTS, "2-broken.png") });

    await page.keyboard.press("End");
    await page.keyboard.type("'");
    await page.waitForFunction(
      () =>
        document.getElementById("status")?.dataset.state === "ok" &&
        document.querySelectorAll(".cm-lintRange-error").length === 0 &&
        document.querySelectorAll("[data-testid=diagnostic]").length === 0,
      null,
      { timeout: 10_000 },
    );
    assert.equal(await editorText(), "T | where x == 'unterminated'");
    assert.match(await text("#status-text"), /✓ no errors/);
    await page.screenshot({ path: path.join(SHOTS, "3-fixed.png") });
  });

  test("the example picker loads the other seed rules", { timeout: 60_000 }, async () => {
    const options = await page.locator("#example option").evaluateAll((all) => all.map((o) => o.value));
    assert.deepEqual(options, ["002", "000", "001", "003", "004"]);
    for (const [id, marker] of [
      ["004", "title: DCOM lateral movement (via MMC20)"],
      ["001", "name: DCOM Lateral Movement"],
      ["000", "DeviceImageLoadEvents"],
    ]) {
      await page.selectOption("#example", id);
      await page.waitForFunction((m) => document.querySelector("#editor .cm-content")?.textContent?.includes(m), marker, { timeout: 10_000 });
      const state = await page.locator("#status").getAttribute("data-state");
      assert.ok(state === "ok" || state === "errors", `status ${state} after loading ${id}`);
      assert.match(await text("#language"), /^(kql|sigma)$/);
      // Each seed's attack trace fires.
      await page.waitForFunction(() => Number(document.getElementById("result-summary")?.dataset.rows) > 0, null, { timeout: 10_000 });
    }
    await page.screenshot({ path: path.join(SHOTS, "4-example.png") });
  });

  test("an .evtx file chosen on the events panel is read in the browser and a Sigma rule matches it", { timeout: 60_000 }, async () => {
    await page.click("#editor .cm-content");
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.insertText(CERTUTIL_RULE);
    await page.waitForFunction(() => document.getElementById("language")?.textContent === "sigma", null, { timeout: 10_000 });

    await page.setInputFiles("#events-file", SYSMON_EVTX);
    await page.waitForFunction(() => document.getElementById("events-status")?.dataset.records === "3", null, { timeout: 10_000 });
    assert.match(await text("#events-status"), /sysmon\.evtx: read 3 records/);
    assert.equal(await page.locator("#events-status").getAttribute("data-state"), "ok");
    // The events arrive as NDJSON, one flat object per record.
    const lines = (await page.inputValue("#events")).split("\n").map((line) => JSON.parse(line));
    assert.deepEqual(lines.map((e) => e.EventID), ["1", "3", "1"]);
    assert.equal(lines[0].Provider_Name, "Microsoft-Windows-Sysmon");

    await page.waitForFunction(() => document.getElementById("result-summary")?.dataset.rows === "1", null, { timeout: 10_000 });
    assert.match(await text("#result-summary"), /1 match in 3 events/);
    assert.match(await text("#result-table"), /#0\s+Certutil download/);
    await page.screenshot({ path: path.join(SHOTS, "5-evtx.png"), fullPage: true });

    // A file that is not an event log: the panel says so and keeps the events it had.
    await page.setInputFiles("#events-file", { name: "broken.evtx", mimeType: "application/octet-stream", buffer: Buffer.from("not an event log") });
    await page.waitForFunction(() => document.getElementById("events-status")?.dataset.state === "error", null, { timeout: 10_000 });
    assert.match(await text("#events-status"), /broken\.evtx: .*not a readable EVTX file/);
    assert.equal((await page.inputValue("#events")).split("\n").length, 3);
    assert.equal(await page.locator("#result-summary").getAttribute("data-rows"), "1");
  });

  test("no page errors, console errors or failed requests", () => {
    assert.deepEqual(problems, []);
  });
});
