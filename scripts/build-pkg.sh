#!/usr/bin/env bash
# Builds pkg/: the npm package `dcs-tasks` (wasm optimized with npm binaryen's wasm-opt -Oz,
# wasm-bindgen's ESM glue, per-runtime entries, TypeScript types, README).
# Three wasm builds of the one crate:
#   dcs_tasks_bg.wasm        the library (every runtime entry: browser, Node, Deno, workerd);
#   dcs_tasks_proxy_bg.wasm  the library plus the edge proxy handler (`dcs-tasks/proxy`,
#                            cargo feature `proxy`), so pages never download the proxy;
#   dcs_tasks_page_bg.wasm   the elements' client (`dcs-tasks/element`, cargo feature `page`,
#                            src/wire.rs): a dcs-tasks proxy's normalized routes only, without
#                            the DCS wire parsers and the signer; serde_json and the parser
#                            crate at "z" (the page parses no large list: its proxy did).
#                            Shipped inlined only (dcs_tasks_page_wasm.js), never as a file.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/ensure-tools.sh wasm npm
# Two stages: the wasm builds (cargo, wasm-bindgen, wasm-opt; slow) into build/wasm/, redone only
# when a Rust input changed, then the package assembled from them into pkg/ (fast).
wasm_inputs="src crates Cargo.toml Cargo.lock .cargo scripts/build-pkg.sh"
pkg_inputs="$wasm_inputs js scripts/assemble-types.mjs package-lock.json"
if [ -f pkg/package.json ] && [ "${FORCE:-}" != 1 ] \
   && [ -z "$(find $pkg_inputs -newer pkg/package.json -print -quit)" ]; then
  echo "pkg/ is up to date" >&2
  exit 0
fi
out=build/bindgen
wasm_out=build/wasm
# build <name> [cargo args...]: cargo build, wasm-bindgen glue, wasm-opt -Oz into build/wasm/.
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
    --strip-debug --strip-producers "$wasm" -o "$wasm_out/${name}_bg.wasm"
  cp "$out/$name.js" "$wasm_out/$name.js"
}
if [ ! -f "$wasm_out/stamp" ] || [ "${FORCE:-}" = 1 ] \
   || [ -n "$(find $wasm_inputs -newer "$wasm_out/stamp" -print -quit)" ]; then
  rm -rf "$out" "$wasm_out" && mkdir -p "$out" "$wasm_out"
  build dcs_tasks_proxy --features proxy
  build dcs_tasks_page --no-default-features --features page \
    --config 'profile.release.package.serde_json.opt-level="z"' \
    --config 'profile.release.package.dcs-tasks-parse.opt-level="z"'
  build dcs_tasks
  cp "$out/dcs_tasks.d.ts" "$wasm_out/dcs_tasks.d.ts"
  # The library's wasm deflated for the zero-configuration entries (below): Zopfli (npm
  # @gfx/zopfli, plain deflate out: 9 KB smaller than zlib's level 9, BENCHMARKS.md), a few
  # seconds, so done here, once per wasm build.
  node --input-type=module -e '
    const { readFileSync, writeFileSync } = await import("node:fs");
    const { default: zopfli } = await import(process.cwd() + "/node_modules/@gfx/zopfli/dist/index.js");
    await Promise.all(process.argv.slice(1).map(async (f) => {
      const wasm = readFileSync(f);
      const out = await new Promise((ok, no) => zopfli.deflate(wasm, { numiterations: 15 }, (e, d) => (e ? no(e) : ok(d))));
      writeFileSync(f + ".deflated", out);
    }));
  ' "$wasm_out/dcs_tasks_bg.wasm" "$wasm_out/dcs_tasks_page_bg.wasm"
  touch "$wasm_out/stamp"
fi
rm -rf pkg && mkdir -p pkg "$out"
cp "$wasm_out"/dcs_tasks_bg.wasm "$wasm_out"/dcs_tasks_proxy_bg.wasm pkg/
# glue <name> <exports>: wasm-bindgen's glue, patched (the zero-configuration entry's on-demand hook, the
# .wasm URL, the brand check), fully minified into pkg/.
glue() {
  local name="$1" exports="$2"
  # Each exported function and the class constructor first make sure the module is there:
  # `dcs-tasks` compiles the wasm in the background and, when a call comes first, on the spot
  # (js/load.js); before `init()` of `dcs-tasks/slim` it is an error that says so.
  node -e '
    const fs = require("fs"), [src, dst] = process.argv.slice(1);
    let js = fs.readFileSync(src, "utf8");
    const decl = "let wasmModule, wasmInstance, wasm;";
    if (js.split(decl).length !== 2) throw new Error("build-pkg: the glue'"'"'s wasm variable is not declared once in " + src);
    // The zero-configuration entry'"'"'s hook (js/load.js) instantiates the module on a call made
    // before it is ready: a symbol-keyed property of initSync, so that no export of the package
    // names it.
    js = js.replace(decl, decl + "\nconst ensure = () => { if (wasm !== undefined) return; const f = initSync[Symbol.for(\"dcs-tasks.onDemand\")];\n" +
      "  if (typeof f !== \"function\") throw new Error(\"dcs-tasks: the wasm is not initialized (dcs-tasks/slim: await init() first)\"); f(); };\n");
    let n = 0;
    js = js.replace(/^(export function \w+\([^)]*\) \{|    constructor\([^)]*\) \{)$/gm, (m) => { n++; return m + "\n    ensure();"; });
    if (n < +process.argv[3]) throw new Error(`build-pkg: only ${n} exported functions and constructors found in ${src}`);
    fs.writeFileSync(dst, js);
  ' "$wasm_out/$name.js" "$out/$name.patched.js" "$exports"
  # The glue, fully minified. Exports keep their names; exported classes get their name back
  # (consoles and inspectors show it).
  node_modules/.bin/esbuild "$out/$name.patched.js" --minify --format=esm \
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
glue dcs_tasks_proxy 7
glue dcs_tasks 7
# The elements' client: DcsClient, summarizeFleet, mergeFirstPage, revealText.
glue dcs_tasks_page 4
# The glue names no .wasm file of its own: bundlers would emit (and Parcel import-map) an asset
# the zero-configuration entry never loads. dcs-tasks/slim passes the .wasm's URL to init().
for name in dcs_tasks dcs_tasks_page; do
node -e '
  const fs = require("fs"), name = process.argv[1], f = `pkg/${name}.js`;
  const js = fs.readFileSync(f, "utf8");
  const from = `new URL("${name}_bg.wasm",import.meta.url)`;
  if (js.split(from).length !== 2) throw new Error("build-pkg: the glue'"'"'s default .wasm URL is not there once in " + f);
  fs.writeFileSync(f, js.replace(from, "(()=>{throw new Error(\"dcs-tasks: pass the .wasm to init() (dcs-tasks/slim does)\")})()"));
' "$name"
done
cp js/slim.d.ts js/workerd.js js/edge.js js/package.json pkg/
# What pages load, minified each on its own (the imports stay as they are); index.js is bundled
# below, once inflate.js is built.
for f in slim.js ready.js; do
  node_modules/.bin/esbuild "js/$f" --minify --format=esm --log-level=warning --outfile="pkg/$f"
done
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
# The elements' style sheet with its CSS minified by esbuild's CSS minifier (the JS minifier
# leaves a template literal as it is): -450 B gzipped (BENCHMARKS.md).
node --input-type=module -e '
  const { readFileSync, writeFileSync } = await import("node:fs");
  const { transform } = await import(process.cwd() + "/node_modules/esbuild/lib/main.js");
  const { CSS } = await import(process.cwd() + "/js/elements/style.js");
  const src = readFileSync("js/elements/style.js", "utf8");
  const literal = "export const CSS = `" + CSS + "`;";
  if (src.split(literal).length !== 2) throw new Error("build-pkg: js/elements/style.js: the CSS is not one plain template literal");
  const { code } = await transform(CSS, { loader: "css", minify: true });
  writeFileSync(process.argv[1], src.replace(literal, "export const CSS = " + JSON.stringify(code.trim()) + ";"));
' "$out/style.js"
for f in js/element.js js/element-slim.js js/elements/*.js; do
  src="$f"; [ "$f" = js/elements/style.js ] && src="$out/style.js"
  node_modules/.bin/esbuild "$src" --minify --keep-names --format=esm --log-level=warning --outfile="pkg/${f#js/}"
done
# `dcs-tasks/element` (element.js, what consoles import by the package's name) is one bundle of the
# elements' files (8 KB gzipped less than the 19 files each gzipped: BENCHMARKS.md) over the
# elements' build of the wasm: the glue is dcs_tasks_page.js and the wasm dcs_tasks_page_wasm.js
# (imports of their own, by relative paths, as inflate.js); ready.js and load.js are bundled in
# (the elements' own readiness, apart from `dcs-tasks`' when a page imports both); an element
# given `project-id` loads `dcs-tasks` (index.js) on demand (js/element-direct.js).
# element-slim.js and elements/ stay separate files over dcs-tasks/slim (the www page imports
# some of them).
node --input-type=module -e '
  const { build } = await import(process.cwd() + "/node_modules/esbuild/lib/main.js");
  const { readFileSync } = await import("node:fs");
  const external = { "dcs_tasks.js": "./dcs_tasks_page.js", "dcs_tasks_wasm.js": "./dcs_tasks_page_wasm.js", "inflate.js": "./inflate.js", "index.js": "./index.js" };
  await build({
    entryPoints: ["js/element.js"], outfile: "pkg/element.js", bundle: true, minify: true, keepNames: true,
    format: "esm", logLevel: "warning",
    plugins: [{ name: "package-modules", setup(b) {
      b.onResolve({ filter: /(^|\/)(dcs_tasks|dcs_tasks_wasm|inflate|index)\.js$/ }, (a) => ({ path: external[a.path.split("/").pop()], external: true }));
      b.onResolve({ filter: /(^|\/)direct\.js$/ }, () => ({ path: process.cwd() + "/js/element-direct.js" }));
      // The style sheet with its CSS minified (above).
      b.onLoad({ filter: /\/js\/elements\/style\.js$/ }, () => ({ contents: readFileSync(process.argv[1], "utf8"), loader: "js" }));
    } }],
  });
' "$out/style.js"
if grep -q '"\.\./' pkg/element.js; then echo "build-pkg: pkg/element.js imports outside the package" >&2; exit 1; fi
# The zero-configuration entry's wasm (`dcs-tasks`, `dcs-tasks/element`): deflated (Zopfli, above)
# and base64-encoded in a module of its own, so it travels about as small as the .wasm file
# gzipped; js/load.js inflates it with the platform (DecompressionStream, or Node's zlib) or, for
# a call made before that is done, with fflate's inflateSync (bundled into inflate.js).
# The proxy's wasm (for runtimes that compile from bytes: Deno and the `default` condition) is
# inlined as plain base64, decoded once at import with the platform's atob.
node -e '
  const fs = require("fs"), zlib = require("zlib");
  for (const name of ["dcs_tasks", "dcs_tasks_page"]) {
    const wasm = fs.readFileSync("'"$wasm_out"'/" + name + "_bg.wasm");
    const deflated = fs.readFileSync("'"$wasm_out"'/" + name + "_bg.wasm.deflated");
    if (!zlib.inflateRawSync(deflated).equals(wasm)) throw new Error("build-pkg: the deflated wasm does not inflate back: " + name);
    fs.writeFileSync("pkg/" + name + "_wasm.js",
      "// Generated by scripts/build-pkg.sh: " + name + "_bg.wasm, deflated (raw), base64. Do not edit.\n" +
      `export default "${deflated.toString("base64")}";\n`);
  }
  const b64 = fs.readFileSync("pkg/dcs_tasks_proxy_bg.wasm").toString("base64");
  fs.writeFileSync("pkg/dcs_tasks_proxy_wasm.js",
    "// Generated by scripts/build-pkg.sh: dcs_tasks_proxy_bg.wasm, base64. Do not edit.\n" +
    "const s = atob(\"" + b64 + "\");\n" +
    "const bytes = new Uint8Array(s.length);\n" +
    "for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);\n" +
    "export default bytes;\n");
'
# fflate's inflateSync (MIT; its licence travels as LICENSE-fflate), bundled and minified, inside
# a function run on the first call: fflate builds its Huffman tables when its module is
# evaluated, 6-8 ms of every import in a fresh Node process (BENCHMARKS.md), and only a call
# made before the background inflate is done (and never in Node, which has zlib) needs it.
fflate_version=$(node -p 'require("./node_modules/fflate/package.json").version')
echo 'export { inflateSync } from "fflate";' > "$out/inflate-entry.mjs"
node_modules/.bin/esbuild "$out/inflate-entry.mjs" --bundle --minify --format=iife --global-name=fflate \
  --platform=browser --log-level=warning --outfile="$out/inflate-iife.js"
{
  echo 'let inflate;'
  echo 'export function inflateSync(data) {'
  echo '  inflate ??= (() => {'
  cat "$out/inflate-iife.js"
  echo '  return fflate.inflateSync; })();'
  echo '  return inflate(data);'
  echo '}'
} > "$out/inflate-lazy.mjs"
node_modules/.bin/esbuild "$out/inflate-lazy.mjs" --minify --format=esm --log-level=warning \
  --banner:js="// fflate $fflate_version inflateSync (MIT, see LICENSE-fflate), bundled by scripts/build-pkg.sh; its tables are built on the first call." \
  --outfile=pkg/inflate.js
cp node_modules/fflate/LICENSE pkg/LICENSE-fflate
# `dcs-tasks` (index.js) is one module with load.js and inflate.js bundled in: each module more is
# about 0.4 ms of a fresh Node's import (6 modules: 6.2 ms on Node 20; 4: 5.1 ms; BENCHMARKS.md).
# The glue, ready.js (shared with the elements) and the wasm's module stay imports of their own.
node --input-type=module -e '
  const { build } = await import(process.cwd() + "/node_modules/esbuild/lib/main.js");
  const own = /(^|\/)(dcs_tasks|ready|dcs_tasks_wasm)\.js$/;
  await build({
    entryPoints: ["js/index.js"], outfile: "pkg/index.js", bundle: true, minify: true, format: "esm", logLevel: "warning",
    banner: { js: `// dcs-tasks, zero configuration; bundles fflate ${process.argv[1]} inflateSync (MIT, see LICENSE-fflate).` },
    plugins: [{ name: "package-modules", setup(b) {
      b.onResolve({ filter: own }, (a) => ({ path: "./" + a.path.split("/").pop(), external: true }));
      b.onResolve({ filter: /(^|\/)inflate\.js$/ }, () => ({ path: process.cwd() + "/pkg/inflate.js" }));
    } }],
  });
' "$fflate_version"
# The types: js/dcs_tasks.d.ts (the functions, the class, the option objects) with the output
# types tsify generated from the Rust types (crates/parse/src/model.rs) at its marker.
node scripts/assemble-types.mjs "$wasm_out/dcs_tasks.d.ts" js/dcs_tasks.d.ts pkg/dcs_tasks.d.ts
cp js/README.md pkg/README.md
echo "built pkg/ ($(wc -c < pkg/dcs_tasks_bg.wasm) bytes of wasm; proxy build $(wc -c < pkg/dcs_tasks_proxy_bg.wasm))" >&2
