// Fails when a README or other Markdown, a Cargo.toml, or a comment in code (Rust, JS, TypeScript
// declarations, shell) names a file or a folder (`js/elements/`) of this
// repository that does not exist (files move; their mentions must follow). Strings in code are
// not looked at: they name files the code makes or looks for. Looks at the tracked text files for
// paths under the repository's own folders, e.g. `src/fetch.rs` or `crates/core/src/proxy/mod.rs`
// (from the repository's root, or from the naming file's folder). Not looked at: BENCHMARKS.md's
// "## History" (it tells what was removed) and lines that say the file "must not exist".
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
const files = execFileSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8" }).split("\0")
  .filter((f) => /\.(rs|md|toml|mjs|js|ts|sh|capnp)$|(^|\/)Makefile$/.test(f) && !f.startsWith("tests/fixtures/"))
  .filter((f) => existsSync(join(root, f)));
const tops = "src|crates|tests|scripts|www|js|edge|docs|fuzz|pkg|build|\\.ci|\\.cargo";
const re = new RegExp(`(?<![\\w./-])(?:\\.\\./)?((?:${tops})/[\\w./-]*\\.(?:rs|mjs|js|md|sh|toml|json|ts|d\\.ts|capnp|html|css))\\b`, "g");
// Folders too: `js/elements/`, `crates/core/src/proxy/` (a path ending with a slash).
const dirRe = new RegExp(`(?<![\\w./-])((?:${tops})(?:/[\\w.-]+)*/)(?![\\w.*<-])`, "g");
// Generated or built at run time: named on purpose.
const generated = /^(pkg|build)\/|\/\.[\w-]+\/|node_modules/; // built, or made at run time (hidden folders such as .apps/)
const bad = [];
for (const f of files) {
  let text = readFileSync(join(root, f), "utf8");
  if (f === "BENCHMARKS.md" && text.includes("\n## History")) text = text.slice(0, text.indexOf("\n## History"));
  const prose = /\.(md|toml)$/.test(f);
  for (const m of [...text.matchAll(re), ...text.matchAll(dirRe)]) {
    const lineText = text.slice(text.lastIndexOf("\n", m.index) + 1, text.indexOf("\n", m.index));
    if (lineText.includes("must not exist")) continue;
    // In code, only comments: strings there name files the code makes or looks for.
    const before = text.slice(text.lastIndexOf("\n", m.index) + 1, m.index);
    if (!prose && !/(\/\/|^\s*#|^\s*\*|\/\*)/.test(before)) continue;
    const p = m[1];
    if (generated.test(p) || p.includes("*") || p.includes("<")) continue;
    const rel = m[0].startsWith("../") ? join(dirname(f), m[0]) : p;
    if (!existsSync(join(root, p)) && !existsSync(join(root, rel)) && !existsSync(join(root, dirname(f), p))) {
      const line = text.slice(0, m.index).split("\n").length;
      bad.push(`${f}:${line}: ${m[0]}`);
    }
  }
}
if (bad.length) {
  console.error(`check-paths: ${bad.length} mention(s) of files that do not exist:\n${bad.join("\n")}`);
  process.exit(1);
}
console.log(`check-paths: ok (${files.length} files: every path they name exists)`);
