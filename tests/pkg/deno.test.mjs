// The packed package, installed into a fresh project, used from Deno (npm `deno`, offline):
// imported by its package name (Deno reads package.json and node_modules/ and takes the
// default export condition: index.js, the wasm inlined, so the package needs no read access)
// and by path. No await of the consumer's own is needed before use.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { freshProject, writeChecks, assertChecks, startMock, run, lastJson, bin } from "./helpers.mjs";

const MAIN = (entry) => `import { buildListTasksRequest, signRequest, parseListTasksResponse, parseListInstancesResponse, knownValues, DcsClient } from ${JSON.stringify(entry)};
import { syncChecks, asyncChecks } from "./checks.js";
const api = { buildListTasksRequest, signRequest, parseListTasksResponse, parseListInstancesResponse, knownValues, DcsClient };
// No await before use.
const out = { sync: syncChecks(api, Deno.readTextFileSync("seed.json")) };
out.resolved = import.meta.resolve(${JSON.stringify(entry)});
out.async = await asyncChecks(api, Deno.args[0]);
console.log(JSON.stringify(out));
`;

test("Deno: by package name (the default entry) and by path; seed and mock listing", async (t) => {
  const dir = freshProject("dcs-tasks-deno-");
  writeChecks(dir);
  writeFileSync(join(dir, "main.js"), MAIN("dcs-tasks"));
  writeFileSync(join(dir, "main-path.js"), MAIN("./node_modules/dcs-tasks/index.js"));
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, DENO_DIR: join(dir, ".deno"),
    DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };
  const mock = await startMock({ port: 0 });
  const hostPort = new URL(mock.url).host;
  try {
    for (const [label, script] of [["Deno (package name)", "main.js"], ["Deno (path)", "main-path.js"]]) {
      await t.test(label, async () => {
        // Read access to the project only (the seed and the package), network to the mock only.
        const r = await run(bin("deno"), ["run", "--no-prompt", `--allow-read=${dir}`, `--allow-net=${hostPort}`, script, mock.url],
          { cwd: dir, env });
        const out = lastJson(r, `deno run ${script}`);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stderr, "", "no warnings on stderr (e.g. a non-streaming wasm fallback)");
        assertChecks(out, label);
        assert.match(out.resolved, /\/node_modules\/dcs-tasks\/index\.js$/, "the default entry");
      });
    }
    await t.test("with read access to the seed only (none to the package): works, the wasm is inlined", async () => {
      const r = await run(bin("deno"), ["run", "--no-prompt", `--allow-read=${join(dir, "seed.json")}`, `--allow-net=${hostPort}`,
        "main-path.js", mock.url], { cwd: dir, env });
      assert.equal(r.code, 0, r.stderr);
      assertChecks(lastJson(r, "deno run main-path.js"), "Deno (no read access to the package)");
    });
  } finally {
    await mock.close();
  }
});
