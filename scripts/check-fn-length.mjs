// Fails when a function of the Rust crates (outside tests) is longer than 100 lines: split it.
// Counts from the `fn` line to its closing brace by brace depth, ignoring braces in string and
// character literals and comments; `#[cfg(test)]` items, `tests.rs` files and the crates'
// integration tests (`crates/*/tests/`) are not looked at.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const MAX = 100;
const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
const rsFiles = (d) => readdirSync(d).flatMap((f) => {
  const p = join(d, f);
  return statSync(p).isDirectory() ? rsFiles(p) : f.endsWith(".rs") && f !== "tests.rs" ? [p] : [];
});

/** The line's braces, outside string/char literals and `//` comments. */
function depthChange(line) {
  let d = 0;
  let inStr = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inStr) {
      if (c === "\\") i++;
      else if (c === '"') inStr = false;
    } else if (c === '"') inStr = true;
    else if (c === "'" && line[i + 2] === "'") i += 2;
    else if (c === "'" && line[i + 1] === "\\" && line[i + 3] === "'") i += 3;
    else if (c === "/" && line[i + 1] === "/") break;
    else if (c === "{") d++;
    else if (c === "}") d--;
  }
  return d;
}

/** The index of the line closing the item that starts at `i`. */
function itemEnd(lines, i) {
  let depth = 0;
  let opened = false;
  for (let j = i; j < lines.length; j++) {
    const dc = depthChange(lines[j]);
    if (lines[j].includes("{")) opened ||= depth + dc > 0 || dc !== 0;
    depth += dc;
    if (opened && depth <= 0) return j;
    if (!opened && /;\s*$/.test(lines[j])) return j;
  }
  return lines.length - 1;
}

const long = [];
let count = 0;
for (const dir of ["src", "crates"]) {
  for (const f of rsFiles(join(root, dir))) {
    if (f.includes("/target/") || /\/crates\/[^/]+\/tests\//.test(f)) continue;
    const lines = readFileSync(f, "utf8").split("\n");
    for (let i = 0; i < lines.length; i++) {
      if (/^\s*#\[cfg\(test\)\]/.test(lines[i])) {
        i = itemEnd(lines, i + 1);
        continue;
      }
      const m = /^\s*(?:pub(?:\([\w:]+\))?\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?fn\s+(\w+)/.exec(lines[i]);
      if (!m) continue;
      const end = itemEnd(lines, i);
      count++;
      const n = end - i + 1;
      if (n > MAX) long.push(`${relative(root, f)}:${i + 1}: fn ${m[1]} is ${n} lines`);
    }
  }
}
if (long.length) {
  console.error(`check-fn-length: ${long.length} function(s) over ${MAX} lines (split them):\n${long.join("\n")}`);
  process.exit(1);
}
console.log(`check-fn-length: ok (${count} functions, none over ${MAX} lines outside tests)`);
