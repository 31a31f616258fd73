// Fails on an import cycle between the modules of a crate (make test). A module's
// dependencies are the `crate::<module>` paths in its code (comments and doc links aside,
// `crate::{a, b}` groups included), resolved to the crate's modules; a module re-exported at
// the crate root is named by its own name. Prints each crate's module graph in one line.
//   node scripts/check-module-cycles.mjs <crate src dir>...
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, basename } from "node:path";

function rsFiles(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? rsFiles(p) : f.endsWith(".rs") ? [p] : [];
  });
}

let failed = false;
for (const dir of process.argv.slice(2)) {
  const files = rsFiles(dir).filter((f) => !["lib.rs", "mod.rs"].includes(basename(f)));
  const name = (f) => basename(f, ".rs");
  const modules = new Set(files.map(name));
  const deps = new Map();
  for (const f of files) {
    const code = readFileSync(f, "utf8")
      .split("\n")
      .filter((l) => !/^\s*\/\//.test(l))
      .join("\n")
      .replace(/\/\/[^\n"]*$/gm, "");
    const found = new Set();
    for (const m of code.matchAll(/\bcrate::(\w+)/g)) found.add(m[1]);
    for (const m of code.matchAll(/\bcrate::\{([^}]*)\}/g))
      for (const part of m[1].split(",")) found.add(part.trim().split("::")[0]);
    // `crate::core::x` / `crate::wasm::x`: the module after the wing.
    for (const m of code.matchAll(/\bcrate::(?:core|wasm)::(\w+)/g)) found.add(m[1]);
    deps.set(name(f), [...found].filter((d) => modules.has(d) && d !== name(f)).sort());
  }
  // Depth-first search for a cycle.
  const state = new Map();
  const stack = [];
  const visit = (m) => {
    state.set(m, 1);
    stack.push(m);
    for (const d of deps.get(m) ?? []) {
      if (state.get(d) === 1) {
        console.error(`check-module-cycles: ${relative(process.cwd(), dir)}: import cycle ${[...stack.slice(stack.indexOf(d)), d].join(" -> ")}`);
        failed = true;
      } else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(m, 2);
  };
  for (const m of [...modules].sort()) if (!state.has(m)) visit(m);
  console.log(`check-module-cycles: ${relative(process.cwd(), dir) || "."}: ${[...deps].map(([m, d]) => `${m}(${d.join(",")})`).join(" ")}`);
}
if (failed) process.exit(1);
console.log("check-module-cycles: ok (no import cycle)");
