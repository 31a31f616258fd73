// Fails when a function of the Rust crates (outside tests) or of the package's and the page's
// JavaScript (js/, www/) is longer than 100 lines: split it. Rust: counted from the `fn` line to
// its closing brace by brace depth, ignoring braces in string and character literals and
// comments; `#[cfg(test)]` items, `tests.rs` files and the crates' integration tests
// (`crates/*/tests/`) are not looked at. JavaScript: every function, method and arrow function,
// by its source lines as acorn (the ESTree parser) reads them.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { parse } from "acorn";
import { simple } from "acorn-walk";
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
// JavaScript: the files the package ships and the page.
const jsFiles = (d) => readdirSync(d).flatMap((f) => {
  const p = join(d, f);
  return statSync(p).isDirectory() ? jsFiles(p) : f.endsWith(".js") ? [p] : [];
});
for (const f of [...jsFiles(join(root, "js")), ...jsFiles(join(root, "www"))]) {
  const ast = parse(readFileSync(f, "utf8"), { ecmaVersion: "latest", sourceType: "module", locations: true });
  // A function's name: its own, or the method, property or variable it is the value of.
  const names = new WeakMap();
  const named = (value, key) => { if (value && /Function/.test(value.type)) names.set(value, key?.name ?? key?.value); };
  simple(ast, {
    MethodDefinition: (n) => named(n.value, n.key),
    PropertyDefinition: (n) => named(n.value, n.key),
    Property: (n) => named(n.value, n.key),
    VariableDeclarator: (n) => named(n.init, n.id),
  });
  const check = (node) => {
    count++;
    const n = node.loc.end.line - node.loc.start.line + 1;
    const name = node.id?.name ?? names.get(node) ?? "(anonymous)";
    if (n > MAX) long.push(`${relative(root, f)}:${node.loc.start.line}: function ${name} is ${n} lines`);
  };
  simple(ast, {
    FunctionDeclaration: check,
    FunctionExpression: check,
    ArrowFunctionExpression: check,
  });
}
if (long.length) {
  console.error(`check-fn-length: ${long.length} function(s) over ${MAX} lines (split them):\n${long.join("\n")}`);
  process.exit(1);
}
console.log(`check-fn-length: ok (${count} functions, none over ${MAX} lines outside tests)`);
