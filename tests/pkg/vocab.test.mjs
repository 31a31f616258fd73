// The elements' vocabularies and limits (js/elements/vocab.js) are the core's: generated from the
// built package's knownValues() and checked here, so that no element restates one and none drifts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "./helpers.mjs";

test("js/elements/vocab.js and the unions of js/dcs_tasks.d.ts are what the package's knownValues() says", () => {
  const out = execFileSync(process.execPath, [join(root, "scripts", "gen-vocab.mjs"), "--check"], { encoding: "utf8" });
  assert.match(out, /match the package/);
});

test("no element file restates a running status set, an attention rule, a time range or a page-size limit", () => {
  const files = readdirSync(join(root, "js", "elements")).filter((f) => f.endsWith(".js") && f !== "vocab.js");
  assert.ok(files.length >= 20, files.join());
  for (const f of files) {
    const src = readFileSync(join(root, "js", "elements", f), "utf8");
    assert.doesNotMatch(src, /"ERROR",\s*"CREATEFAILED"|"CREATEFAILED",\s*"FROZEN"/, `${f} restates the abnormal instance states (summarizeFleet decides)`);
    assert.doesNotMatch(src, /"EXECUTING",\s*"CREATED"|"CREATED",\s*"EXECUTING"/, `${f} restates the running statuses`);
    assert.doesNotMatch(src, /"1h": *3_600_000|"24h": *86_400_000|now - 86_400_000/, `${f} restates a time range`);
    assert.doesNotMatch(src, /<= 1000\b|<= 16\b/, `${f} restates a limit`);
  }
});
