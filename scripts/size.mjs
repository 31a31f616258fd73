// What each entry makes a page download, from pkg/: the files an entry imports, statically and
// dynamically (followed through the package's relative imports, as a bundler or a browser
// would), plus the .wasm file `dcs-tasks/slim` fetches; raw and gzip -9, each file compressed on
// its own (as a server sends them). Budgets (`--check` fails over any):
//   slim          `dcs-tasks/slim` (entry + glue + .wasm)                     193 KiB (197,632 B; 180 KiB
//                 until the attention model, summarizeFleet, added 11.4 KB, and the core's
//                 refresh merge, mergeFirstPage, 1.5 KB: BENCHMARKS.md)
//   zero-config   `dcs-tasks` (entry + glue + the wasm inlined, deflated)     1.05 × slim's figure
//   elements page `dcs-tasks/element` and all it loads talking to a proxy (the elements' JS, the
//                 elements' build of the glue and the wasm, fflate's inflate.js)     170,000 B
//                 (222 KiB with the library's wasm, before the elements' build: BENCHMARKS.md).
//                 Not in it: `dcs-tasks` (index.js and what it loads), which an element given
//                 `project-id` (a DCS-compatible endpoint, not a proxy) loads on demand; printed
//                 on a row of its own.
//   proxy         the edge proxy's wasm and glue (`dcs-tasks/proxy`, what every edge entry
//                 loads; a worker's upload, not a page's download)              285,000 B
//                 (276 KB when the watchdog's at-least-once delivery landed: BENCHMARKS.md).
// The README's figures (between `<!-- size:NAME -->` and `<!-- /size -->` in README.md and
// js/README.md) are checked against these (`--check`) and rewritten by `--write-docs`.
// Usage: node scripts/size.mjs [--check] [--write-docs] [--json FILE]
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { execFileSync } from "node:child_process";

const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
const pkg = join(root, "pkg");
const KiB = 1024;
export const BUDGETS = {
  slim: 193 * KiB,
  zeroConfigOverSlim: 1.05,
  elementsPage: 170_000,
  proxy: 285_000,
};

/** What `dcs-tasks/element` loads only on demand, for an element given `project-id`. */
export const ELEMENT_ON_DEMAND = ["index.js"];

// gzip(1) -9, as the figures in BENCHMARKS.md have always been taken (Node's zlib at level 9
// gives about 1 KB more for the .wasm).
const gz = (file) => execFileSync("gzip", ["-9", "-c", file], { maxBuffer: 1 << 26 }).length;

/** The package files `entry` loads: its relative imports, static and dynamic, transitively. */
export function closure(entry, skip = []) {
  const seen = new Set();
  const skipped = new Set(skip.map((f) => join(pkg, f)));
  const visit = (file) => {
    if (seen.has(file) || skipped.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    const specs = [
      ...text.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[\w*${}\s,]*?from\s*)?["'](\.[^"']+)["']/g),
      ...text.matchAll(/import\(\s*["'](\.[^"']+)["']\s*\)/g),
    ].map((m) => m[1]);
    for (const s of specs) {
      const f = resolve(dirname(file), s);
      if (!existsSync(f)) throw new Error(`size: ${relative(root, file)} imports ${s}, which is not in pkg/`);
      visit(f);
    }
  };
  visit(join(pkg, entry));
  return [...seen];
}

function weigh(files) {
  let raw = 0, gzip = 0;
  for (const f of files) {
    raw += readFileSync(f).length;
    gzip += gz(f);
  }
  return { raw, gzip, files: files.map((f) => relative(pkg, f)) };
}

export function measure() {
  const wasm = join(pkg, "dcs_tasks_bg.wasm");
  const slim = weigh([...closure("slim.js"), wasm]);
  const zeroConfig = weigh(closure("index.js"));
  const elementsPage = weigh(closure("element.js", ELEMENT_ON_DEMAND));
  const elementsOnDemand = weigh(closure("element.js").filter((f) => !elementsPage.files.includes(relative(pkg, f))));
  const elementsSlimPage = weigh([...new Set([...closure("element-slim.js"), ...closure("slim.js")]), wasm]);
  const elementsJs = weigh([join(pkg, "element.js")]);
  const elementsFiles = weigh(closure("element-slim.js").filter((f) => relative(pkg, f).startsWith("element")));
  const proxy = weigh([join(pkg, "dcs_tasks_proxy_bg.wasm"), join(pkg, "dcs_tasks_proxy.js")]);
  const file = (f) => weigh([join(pkg, f)]);
  return {
    files: Object.fromEntries(["dcs_tasks_bg.wasm", "dcs_tasks.js", "dcs_tasks_wasm.js", "dcs_tasks_page.js", "dcs_tasks_page_wasm.js", "inflate.js", "index.js", "slim.js"]
      .map((f) => [f, file(f)])),
    slim, zeroConfig, elementsPage, elementsOnDemand, elementsSlimPage, elementsJs, elementsFiles, proxy,
    budgets: {
      slim: BUDGETS.slim,
      zeroConfig: Math.floor(BUDGETS.zeroConfigOverSlim * slim.gzip),
      elementsPage: BUDGETS.elementsPage,
      proxy: BUDGETS.proxy,
    },
  };
}

/** The figures the READMEs quote, by marker name: what `--write-docs` writes. */
export function docFigures(m) {
  const kb = (b) => `${Math.round(b / 1000)} KB`;
  return {
    slim: kb(m.slim.gzip),
    "zero-config": kb(m.zeroConfig.gzip),
    "zero-config-raw": kb(m.zeroConfig.raw),
    "elements-page": kb(m.elementsPage.gzip),
  };
}

const DOCS = ["README.md", "js/README.md"];
const MARK = /<!-- size:([\w-]+) -->([^<]*)<!-- \/size -->/g;

/** Each marker in the docs whose figure differs from the measured one by more than 2 KB. */
export function staleDocs(m, write = false) {
  const want = docFigures(m);
  const stale = [];
  for (const doc of DOCS) {
    const path = join(root, doc);
    const text = readFileSync(path, "utf8");
    let found = 0;
    const next = text.replace(MARK, (all, name, have) => {
      found++;
      if (!(name in want)) throw new Error(`size: ${doc} has an unknown figure <!-- size:${name} -->`);
      if (Math.abs(parseInt(have, 10) - parseInt(want[name], 10)) > 2 || !/^\d+ KB$/.test(have)) {
        stale.push(`${doc}: ${name} says "${have}", measured ${want[name]}`);
      }
      return `<!-- size:${name} -->${want[name]}<!-- /size -->`;
    });
    if (found === 0) throw new Error(`size: no <!-- size:... --> figure in ${doc}`);
    if (write && next !== text) writeFileSync(path, next);
  }
  return stale;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const m = measure();
  const row = (name, w, note = "") =>
    console.log(`${name.padEnd(34)} ${String(w.raw).padStart(9)} ${String(w.gzip).padStart(9)}${note ? "   " + note : ""}`);
  console.log(`${"file / page".padEnd(34)} ${"raw".padStart(9)} ${"gzip -9".padStart(9)}`);
  for (const [f, w] of Object.entries(m.files)) row(f, w);
  const verdict = (g, b) => `(budget ${b}: ${g <= b ? "ok" : "OVER"})`;
  row("dcs-tasks/slim page", m.slim, verdict(m.slim.gzip, m.budgets.slim));
  row("dcs-tasks page (zero config)", m.zeroConfig,
    `${(m.zeroConfig.gzip / m.slim.gzip).toFixed(3)}x slim ${verdict(m.zeroConfig.gzip, m.budgets.zeroConfig)}`);
  row("dcs-tasks/element page", m.elementsPage, verdict(m.elementsPage.gzip, m.budgets.elementsPage));
  row("  + on demand (project-id)", m.elementsOnDemand, `(${m.elementsOnDemand.files.join(", ")})`);
  row("dcs-tasks/element/slim page", m.elementsSlimPage, "(not budgeted)");
  row("the elements' JS (element.js)", m.elementsJs, "(one bundle)");
  row("the elements' JS (element/slim)", m.elementsFiles, `(${m.elementsFiles.files.length} files)`);
  row("dcs-tasks/proxy wasm+glue", m.proxy, `(edge worker only) ${verdict(m.proxy.gzip, m.budgets.proxy)}`);
  const ji = args.indexOf("--json");
  if (ji >= 0) writeFileSync(args[ji + 1], JSON.stringify(m, null, 2) + "\n");
  const stale = staleDocs(m, args.includes("--write-docs"));
  if (args.includes("--write-docs")) console.log(stale.length ? `size: rewrote ${stale.length} figure(s) in the READMEs` : "size: the READMEs' figures are current");
  if (args.includes("--check")) {
    const over = [["dcs-tasks/slim", m.slim.gzip, m.budgets.slim], ["dcs-tasks", m.zeroConfig.gzip, m.budgets.zeroConfig],
      ["dcs-tasks/element", m.elementsPage.gzip, m.budgets.elementsPage], ["dcs-tasks/proxy", m.proxy.gzip, m.budgets.proxy]]
      .filter(([, g, b]) => g > b);
    for (const [n, g, b] of over) console.error(`size budget exceeded: ${n} weighs ${g} B gzipped > ${b} B`);
    if (!args.includes("--write-docs")) for (const s of stale) console.error(`size: stale README figure: ${s} (run scripts/size.sh --write-docs)`);
    if (over.length || (stale.length && !args.includes("--write-docs"))) process.exit(1);
    console.log("size: every budget holds; the READMEs' figures are current");
  }
}
