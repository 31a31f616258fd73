// The packed package's shape: which entry each runtime's export conditions select (resolved
// with Node's PACKAGE_EXPORTS_RESOLVE rules: the first key in the object's order that the
// runtime accepts wins), that every exported file is in the tarball, and that no entry has a
// top-level await (index.js carries the wasm deflated and instantiates it through load.js, bundled in,
// workerd.js imports the .wasm as a module); `dcs-tasks/slim` leaves `await init()` to the page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { inflateRawSync } from "node:zlib";
import { parse } from "acorn";
import { ancestor } from "acorn-walk";
import { freshProject, root } from "./helpers.mjs";

/** The top-level awaits of a module (an `await` with no function around it). */
function topLevelAwaits(text) {
  let n = 0;
  const fn = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"]);
  ancestor(parse(text, { ecmaVersion: "latest", sourceType: "module" }), {
    AwaitExpression(_, __, anc) { if (!anc.some((a) => fn.has(a.type))) n++; },
    ForOfStatement(node, __, anc) { if (node.await && !anc.some((a) => fn.has(a.type))) n++; },
  });
  return n;
}

/** Node's conditional-exports resolution for one target object. */
function resolveTarget(target, conditions) {
  if (typeof target === "string") return target;
  for (const [key, value] of Object.entries(target)) {
    if (key === "default" || conditions.includes(key)) {
      const r = resolveTarget(value, conditions);
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

// The conditions each consumer sets (documented by each tool).
const RUNTIMES = {
  "Node (import)": [["node", "import"], "./index.js"],
  "Deno": [["deno", "node", "import"], "./index.js"],
  "workerd / wrangler (esbuild)": [["workerd", "worker", "browser", "import"], "./workerd.js"],
  "browser bundlers (Vite, webpack, esbuild --platform=browser)": [["browser", "import", "module"], "./index.js"],
  "other (no known condition)": [["import"], "./index.js"],
  "TypeScript": [["types", "import", "node"], "./dcs_tasks.d.ts"],
};

test("entries: each runtime's conditions select its entry; all files packed; no top-level await", async () => {
  const dir = freshProject("dcs-tasks-entries-");
  const pkgDir = join(dir, "node_modules", "dcs-tasks");
  const pj = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  for (const [label, [conditions, expected]] of Object.entries(RUNTIMES)) {
    assert.equal(resolveTarget(pj.exports["."], conditions), expected, label);
  }
  // `dcs-tasks/proxy` (the edge proxy handler, its own wasm build) resolves on every runtime:
  // workers import the .wasm as a module, Node and Bun read it from the package, Deno and the
  // rest (Next.js' react-server layer, bundlers) take it inlined, the Edge Runtime as ?module.
  const PROXY = {
    "workerd / wrangler (esbuild)": [["workerd", "worker", "browser", "import"], "./proxy.js"],
    "TypeScript": [["types", "import"], "./proxy.d.ts"],
    "Node (import)": [["node", "import"], "./proxy-node.js"],
    "Bun": [["bun", "node", "import"], "./proxy-node.js"],
    "Deno": [["deno", "node", "import"], "./proxy-deno.js"],
    "Vercel Edge Runtime / Next.js edge": [["edge-light", "worker", "browser", "import"], "./proxy-edge.js"],
    "Next.js nodejs routes (react-server)": [["react-server", "node", "import"], "./proxy-inline.js"],
    "browser bundlers": [["browser", "import", "module"], "./proxy-inline.js"],
    "other (no known condition)": [["import"], "./proxy-inline.js"],
  };
  for (const [label, [conditions, expected]] of Object.entries(PROXY)) {
    assert.equal(resolveTarget(pj.exports["./proxy"], conditions), expected, `dcs-tasks/proxy: ${label}`);
  }
  // Every file an export or the entries name was packed.
  const packed = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json"], { cwd: join(root, "pkg"), encoding: "utf8" }))[0]
    .files.map((f) => f.path).sort();
  const named = new Set(["package.json", "README.md", "dcs_tasks.js", "dcs_tasks_bg.wasm",
    "dcs_tasks_proxy.js", "dcs_tasks_proxy_bg.wasm"]);
  for (const v of Object.values(pj.exports)) {
    for (const t of typeof v === "string" ? [v] : Object.values(v)) named.add(t.replace(/^\.\//, ""));
  }
  for (const f of named) assert.ok(packed.includes(f), `${f} is in the tarball (${packed})`);

  const src = (f) => readFileSync(join(pkgDir, f), "utf8").replace(/^\s*\/\/.*$/gm, "");
  const awaits = (f) => topLevelAwaits(src(f));
  for (const f of ["index.js", "ready.js", "element.js", "element-slim.js"]) {
    assert.equal(awaits(f), 0, `${f}: no top-level await (every bundler's default target takes it)`);
  }
  assert.match(src("index.js"), /import ?\w+ ?from ?"\.\/dcs_tasks_wasm\.js"/, "index.js takes the inlined wasm");
  // One module with load.js and fflate's inflateSync (for a call before ready) bundled in: its
  // static imports are the wasm's module, the glue and ready.js (shared with the elements).
  const imports = [...new Set([...src("index.js").matchAll(/from ?"([^"]+)"/g)].map((m) => m[1]))].sort();
  assert.deepEqual(imports, ["./dcs_tasks.js", "./dcs_tasks_wasm.js", "./ready.js"], "index.js's imports");
  assert.match(readFileSync(join(pkgDir, "index.js"), "utf8"), /^\/\/ dcs-tasks, zero configuration; bundles fflate [\d.]+ inflateSync \(MIT, see LICENSE-fflate\)/, "index.js names fflate and its licence");
  assert.match(src("index.js"), /DecompressionStream/, "index.js carries load.js");
  assert.doesNotMatch(src("index.js") + src("dcs_tasks_wasm.js"), /from ?["']node:|readFileSync|import\.meta|fetch\(/, "no file system, no URL, no fetch");
  // The inlined wasm: deflated, base64; it inflates to the .wasm file byte for byte and weighs,
  // gzipped, within 3% of it (what base64 of deflated bytes costs).
  const inline = /export default ?"([A-Za-z0-9+/=]+)"/.exec(readFileSync(join(pkgDir, "dcs_tasks_wasm.js"), "utf8"));
  assert.ok(inline, "dcs_tasks_wasm.js exports one base64 string");
  const wasmFile = readFileSync(join(pkgDir, "dcs_tasks_bg.wasm"));
  assert.ok(inflateRawSync(Buffer.from(inline[1], "base64")).equals(wasmFile), "the inlined wasm inflates to dcs_tasks_bg.wasm");
  assert.ok(inline[1].length < wasmFile.length * 0.6, `the inlined wasm is deflated (${inline[1].length} chars for ${wasmFile.length} B)`);
  assert.match(readFileSync(join(pkgDir, "inflate.js"), "utf8"), /^\/\/ fflate [\d.]+ inflateSync \(MIT, see LICENSE-fflate\)/, "inflate.js names fflate and its licence");
  // fflate's tables are built on the first call, not at import (6-8 ms of a fresh Node's import):
  // the module's top level only declares; the calls inflate the wasm byte for byte, twice.
  assert.match(src("inflate.js"), /^\s*let \w+;function \w+\(\w+\)\{return \w+\?\?=/, "inflate.js builds nothing at import");
  const { inflateSync } = await import(join(pkgDir, "inflate.js"));
  for (let i = 0; i < 2; i++) assert.ok(Buffer.from(inflateSync(Buffer.from(inline[1], "base64"))).equals(wasmFile), `fflate's inflateSync, call ${i + 1}`);
  assert.match(readFileSync(join(pkgDir, "LICENSE-fflate"), "utf8"), /MIT License/, "fflate's licence is packed");
  // Every export is the API's: the on-demand hook between load.js and the glue is no export.
  for (const f of ["index.js", "slim.js", "dcs_tasks.js", "dcs_tasks_page.js"]) {
    const names = (src(f).match(/export ?\{([^}]*)\}/g) ?? []).flatMap((m) => m.slice(m.indexOf("{") + 1, -1).split(",").map((x) => x.trim().split(/ as /).pop()));
    assert.deepEqual(names.filter((n) => /^_|onDemand/i.test(n)), [], `${f} exports nothing internal`);
  }
  const mod = await import(join(pkgDir, "index.js"));
  assert.deepEqual(Object.keys(mod).filter((n) => n.startsWith("_")), [], "dcs-tasks exports nothing internal");
  assert.equal(typeof mod.parseListTasksResponse, "function");
  assert.equal(awaits("workerd.js"), 0, "workerd.js initialises synchronously");
  assert.equal(awaits("slim.js"), 0, "slim.js leaves init() to the page");
  assert.match(src("slim.js"), /export ?\{[^}]*\b(?:\w+ as )?init\b/, "slim.js exports init");
  assert.match(src("slim.js"), /new URL\("\.\/dcs_tasks_bg\.wasm", ?import\.meta\.url\)/, "slim.js names its .wasm (bundlers emit it)");
  assert.doesNotMatch(src("dcs_tasks.js"), /dcs_tasks_bg\.wasm/, "the glue names no .wasm (the zero-config entry emits none)");
  // Tools that ignore `exports` (Parcel 2 by default) read `browser`, `module` and `main`.
  for (const k of ["main", "module", "browser"]) assert.equal(pj[k], "./index.js", k);
  assert.match(src("workerd.js"), /^import \w+ from "\.\/dcs_tasks_bg\.wasm";$/m, "workerd.js imports the wasm as a module");
  for (const f of ["proxy.js", "proxy-node.js", "proxy-deno.js", "proxy-edge.js", "proxy-inline.js"]) {
    assert.equal(awaits(f), 0, `${f} initialises synchronously (no top-level await)`);
  }
  assert.match(src("proxy.js"), /^import \w+ from "\.\/dcs_tasks_proxy_bg\.wasm";$/m, "proxy.js imports its wasm as a module");
  // The library's build leaves the proxy out (pages never download it); the proxy's has it.
  const exported = (f) => WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(join(pkgDir, f)))).map((e) => e.name);
  assert.ok(!exported("dcs_tasks_bg.wasm").includes("handleProxyRequest"), "no proxy in the library build");
  assert.ok(exported("dcs_tasks_proxy_bg.wasm").includes("handleProxyRequest"), "the proxy build has it");

  const readme = readFileSync(join(pkgDir, "README.md"), "utf8");
  assert.ok(readme.length > 1000, "the package README is written, not a stub");
  for (const s of ["npm install dcs-tasks", "wasm-unsafe-eval", "importmap", "workerd", "Deno"]) {
    assert.ok(readme.includes(s), `README mentions ${s}`);
  }
});

test("dcs-tasks/element: its files import each other by relative paths, all packed; importing it server-side (no DOM) does not throw", () => {
  const dir = freshProject("dcs-tasks-element-");
  const pkgDir = join(dir, "node_modules", "dcs-tasks");
  const packed = new Set(JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json"], { cwd: join(root, "pkg"), encoding: "utf8" }))[0]
    .files.map((f) => f.path));
  // Follow the imports from the entry: each is relative (no bare name, no import map needed) and packed.
  const seen = new Set();
  const walk = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    assert.ok(packed.has(file), `${file} is in the tarball`);
    const text = readFileSync(join(pkgDir, file), "utf8");
    for (const m of text.matchAll(/(?:import|export)\s*(?:[\w*${}\s,]*from\s*|\(\s*)?["']([^"']+)["']/g)) {
      assert.match(m[1], /^\.\.?\//, `${file} imports ${m[1]} by a relative path`);
      walk(join(file, "..", m[1]).replace(/^\.\//, ""));
    }
  };
  // dcs-tasks/element/slim: the elements' files, each its own module.
  walk("element-slim.js");
  for (const f of ["elements/task-list.js", "elements/fleet.js", "elements/render.js", "elements/timeline.js", "elements/i18n.js", "ready.js", "dcs_tasks.js"]) {
    assert.ok(seen.has(f), `element-slim.js reaches ${f}`);
  }
  // dcs-tasks/element: one bundle of the elements over their own build of the wasm (its glue
  // and its module); inflate.js is shared; `dcs-tasks` (index.js and what it loads) only for an
  // element given project-id, in a dynamic import.
  seen.clear();
  walk("element.js");
  assert.deepEqual([...seen].sort(), ["dcs_tasks.js", "dcs_tasks_page.js", "dcs_tasks_page_wasm.js", "dcs_tasks_wasm.js", "element.js", "index.js", "inflate.js", "ready.js"],
    "element.js bundles the elements and imports only the package's modules");
  const elementJs = readFileSync(join(pkgDir, "element.js"), "utf8");
  const statics = [...elementJs.matchAll(/from ?"(\.\.?\/[^"]+\.js)"/g)].map((m) => m[1]);
  assert.deepEqual([...new Set(statics)], ["./dcs_tasks_page.js"], "its one static import: the elements' glue");
  // The wasm comes in a dynamic import only: bundlers put it in a chunk of its own, off the
  // page's first script (Vite's 500 kB warning, Angular's initial budget).
  assert.match(elementJs, /import\(\s*"\.\/dcs_tasks_page_wasm\.js"\s*\)/, "element.js imports the wasm dynamically");
  assert.match(elementJs, /import\(\s*"\.\/index\.js"\s*\)/, "and dcs-tasks on demand");
  const out = execFileSync(process.execPath, ["--input-type=module", "-e",
    `const m = await import("dcs-tasks/element"); m.defineElements(); console.log(JSON.stringify({ keys: Object.keys(m).sort(), classes: [typeof m.DcsTaskList, typeof m.DcsFleet], attrs: m.DcsTaskList.observedAttributes, fleet: m.DcsFleet.observedAttributes }));`],
  { cwd: dir, encoding: "utf8" });
  assert.deepEqual(JSON.parse(out), {
    keys: ["DcsFleet", "DcsTaskList", "defineElements"], classes: ["function", "function"],
    attrs: ["endpoint", "project-id", "instance-id", "lang", "page-size", "auto-refresh"],
    fleet: ["endpoint", "project-id", "lang", "range", "concurrency", "refresh-interval"],
  });
});
