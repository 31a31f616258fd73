// The README's code snippets that are files of the repository, kept verbatim: a fenced block
// right after `<!-- file: path -->` is that file's text. `node scripts/snippets.mjs` rewrites the
// blocks from the files; `--check` fails (exit 1) naming every block that differs. The tests run
// the files (tests/proxy/conformance.test.mjs), so what a reader copies is what was tested.
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(new URL("..", import.meta.url).pathname);
const DOCS = ["edge/README.md", "README.md", "js/README.md"];
const check = process.argv.includes("--check");
const MARK = /<!-- file: ([^ ]+) -->\n(```[a-z]*\n)([\s\S]*?)```\n/g;

let bad = 0;
for (const doc of DOCS) {
  const path = join(root, doc);
  const text = readFileSync(path, "utf8");
  let n = 0;
  const out = text.replace(MARK, (all, file, fence, body) => {
    n++;
    const want = readFileSync(join(root, file), "utf8");
    if (check && body !== want) {
      bad++;
      console.error(`snippets: ${doc}: the block of ${file} is not the file's text`);
    }
    return `<!-- file: ${file} -->\n${fence}${want}\`\`\`\n`;
  });
  if (!check && out !== text) writeFileSync(path, out);
  if (n) console.log(`snippets: ${doc}: ${n} block(s) ${check ? "checked" : "written"}`);
}
if (check && bad) process.exit(1);
