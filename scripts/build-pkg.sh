#!/usr/bin/env bash
# Builds pkg/: the npm package `dcs-tasks` (wasm optimized with npm binaryen's wasm-opt -Oz,
# wasm-bindgen's ESM glue, per-runtime entries, TypeScript types, README).
# Two wasm builds of the one crate:
#   dcs_tasks_bg.wasm        the library (every runtime entry: browser, Node, Deno, workerd);
#   dcs_tasks_proxy_bg.wasm  the library plus the edge proxy handler (`dcs-tasks/proxy`,
#                            cargo feature `proxy`), so pages never download the proxy.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/ensure-tools.sh wasm npm
# Up to date? (pkg/ newer than every input)
if [ -f pkg/dcs_tasks_bg.wasm ] && [ -f pkg/dcs_tasks_proxy_bg.wasm ] && [ -f pkg/package.json ] \
   && [ "${FORCE:-}" != 1 ] \
   && [ -z "$(find src crates js Cargo.toml Cargo.lock .cargo scripts/build-pkg.sh scripts/assemble-types.mjs -newer pkg/dcs_tasks_bg.wasm -print -quit)" ]; then
  echo "pkg/ is up to date" >&2
  exit 0
fi
out=build/bindgen
rm -rf "$out" pkg && mkdir -p "$out" pkg
# build <name> [cargo args...]: cargo build, wasm-bindgen glue, wasm-opt -Oz into pkg/.
build() {
  local name="$1"; shift
  cargo build --release --lib --target wasm32-unknown-unknown "$@"
  wasm-bindgen --target web --out-dir "$out" --out-name "$name" \
    target/wasm32-unknown-unknown/release/dcs_tasks.wasm
  local wasm="$out/${name}_bg.wasm"
  # Debian's binaryen silently breaks externref tables: only npm's binaryen is used.
  # --low-memory-unused: Rust never uses the first 1 KiB of linear memory (the stack would have
  # to be all but exhausted), so constant offsets may be folded into loads and stores.
  # --one-caller-inline-max-function-size=20: binaryen inlines every function that has
  # one caller at -Oz, which makes the module smaller raw but larger gzipped (fewer
  # repeated call sequences, more unique code): -730 B gzipped measured (BENCHMARKS.md).
  node_modules/.bin/wasm-opt -Oz --converge --low-memory-unused --one-caller-inline-max-function-size=20 --enable-reference-types --enable-bulk-memory \
    --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-multivalue \
    --strip-debug --strip-producers "$wasm" -o "pkg/${name}_bg.wasm"
  # The glue, fully minified. Exports keep their names; exported classes get their name back
  # (consoles and inspectors show it).
  node_modules/.bin/esbuild "$out/$name.js" --minify --format=esm \
    --log-level=warning --outfile="pkg/$name.js"
  node -e '
    const fs = require("fs"), f = process.argv[1];
    let js = fs.readFileSync(f, "utf8");
    const ex = /export\{([^}]*)\}/.exec(js);
    if (!ex) throw new Error("build-pkg: no export list in " + f);
    for (const m of ex[1].matchAll(/(\w+|\$+\w*) as ([A-Z]\w*)/g))
      if (m[1] !== m[2]) js += `Object.defineProperty(${m[1]},"name",{value:"${m[2]}"});`;
    fs.writeFileSync(f, js);
  ' "pkg/$name.js"
  # initSync's `instanceof WebAssembly.Module` fails for a module compiled in another realm
  # (Next.js' and Vercel's edge sandboxes hand one in): recognised by its brand instead.
  node -e '
    const fs = require("fs"), f = process.argv[1];
    const js = fs.readFileSync(f, "utf8");
    const re = /([\w$]+) instanceof WebAssembly\.Module/g;
    const n = (js.match(re) || []).length;
    if (n < 1) throw new Error("build-pkg: no instanceof WebAssembly.Module in " + f);
    fs.writeFileSync(f, js.replace(re, (_, v) => `Object.prototype.toString.call(${v})==="[object WebAssembly.Module]"`));
  ' "pkg/$name.js"
  if grep -q 'snippets/' "pkg/$name.js"; then
    echo "build-pkg: pkg/$name.js imports a snippet (the package has no hand-written JS core)" >&2; exit 1
  fi
}
build dcs_tasks_proxy --features proxy
build dcs_tasks
# The glue names no .wasm file of its own: bundlers would emit (and Parcel import-map) an asset
# the zero-configuration entry never loads. dcs-tasks/slim passes the .wasm's URL to init().
node -e '
  const fs = require("fs"), f = "pkg/dcs_tasks.js";
  const js = fs.readFileSync(f, "utf8");
  const from = "new URL(\"dcs_tasks_bg.wasm\",import.meta.url)";
  if (js.split(from).length !== 2) throw new Error("build-pkg: the glue'"'"'s default .wasm URL is not there once");
  fs.writeFileSync(f, js.replace(from, "(()=>{throw new Error(\"dcs-tasks: pass the .wasm to init() (dcs-tasks/slim does)\")})()"));
'
cp js/index.js js/slim.js js/slim.d.ts js/ready.js js/workerd.js js/edge.js js/package.json pkg/
# `dcs-tasks/proxy`, one entry per runtime family (js/package.json's conditions).
cp js/proxy.js js/proxy-node.js js/proxy-deno.js js/proxy-inline.js js/proxy-edge.js js/proxy-files.js js/proxy-watch.js js/proxy.d.ts pkg/
# The elements (`dcs-tasks/element`): plain ES modules importing each other by relative paths.
# Each file minified on its own (no bundling: the imports stay as they are; class and function
# names kept, consoles and inspectors show them).
# Their API files, generated from js/api/elements.mjs (scripts/gen-element-api.mjs): the manifest,
# the types, and the typings of each framework (`dcs-tasks/element/react`, `/vue`, `/svelte`, `/solid`).
cp js/element.d.ts js/custom-elements.json js/element-jsx.d.ts js/element-react.d.ts js/element-solid-props.d.ts \
  js/element-solid.d.ts js/element-vue.d.ts js/element-svelte.d.ts pkg/
mkdir -p pkg/elements
for f in js/element.js js/element-slim.js js/elements/*.js; do
  node_modules/.bin/esbuild "$f" --minify --keep-names --format=esm --log-level=warning --outfile="pkg/${f#js/}"
done
# The zero-configuration entry's wasm (and the proxy's, for runtimes that compile from bytes:
# Deno and the `default` condition), inlined as base64 in a module of its own (decoded once, at
# import, with the platform's atob).
node -e '
  const fs = require("fs");
  for (const name of ["dcs_tasks", "dcs_tasks_proxy"]) {
    const b64 = fs.readFileSync(`pkg/${name}_bg.wasm`).toString("base64");
    fs.writeFileSync(`pkg/${name}_wasm.js`,
      `// Generated by scripts/build-pkg.sh: ${name}_bg.wasm, base64. Do not edit.\n` +
      "const s = atob(\"" + b64 + "\");\n" +
      "const bytes = new Uint8Array(s.length);\n" +
      "for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);\n" +
      "export default bytes;\n");
  }
'
# The types: js/dcs_tasks.d.ts (the functions, the class, the option objects) with the output
# types tsify generated from the Rust types (crates/parse/src/model.rs) at its marker.
node scripts/assemble-types.mjs "$out/dcs_tasks.d.ts" js/dcs_tasks.d.ts pkg/dcs_tasks.d.ts
cp js/README.md pkg/README.md
echo "built pkg/ ($(wc -c < pkg/dcs_tasks_bg.wasm) bytes of wasm; proxy build $(wc -c < pkg/dcs_tasks_proxy_bg.wasm))" >&2
