// Export of the current (filtered) view: CSV (RFC 4180, UTF-8 with BOM for Excel, formulas
// defused) and JSON.
import { summary, durationMs } from "./render.js";

const COLUMNS = [
  ["id", (x) => x.id],
  ["name", (x) => x.name],
  ["type_en", (x, tr) => tr.typeLabel(x.name, "en") ?? ""],
  ["type_zh", (x, tr) => tr.typeLabel(x.name, "zh") ?? ""],
  ["status", (x) => x.status],
  ["status_label", (x, tr) => tr.statusLabel(x.status)],
  ["user_name", (x) => x.userName ?? ""],
  ["user_id", (x) => x.userId ?? ""],
  ["created_at", (x) => x.createdAt ?? ""],
  ["updated_at", (x) => x.updatedAt ?? ""],
  ["duration_s", (x) => { const d = durationMs(x); return d === null ? "" : String(d / 1000); }],
  ["summary", (x, tr) => summary(tr, x)],
  ["enable_show", (x) => (x.enableShow === undefined ? "" : String(x.enableShow))],
  ["params", (x) => x.params ?? ""],
  ["details", (x) => JSON.stringify(x.details ?? {})],
];

// What a spreadsheet takes for the start of a formula (OWASP CSV injection): = + - @, tab, CR,
// LF, NUL and their full-width forms.
const TRIGGER = "=+\\-@\\t\\r\\n\\0\\uFF1D\\uFF0B\\uFF0D\\uFF20";
const LEAD = new RegExp(`^\\s*[${TRIGGER}]`);
// A reader using ";" as the list separator (many European locales) that meets a quote in the
// middle of a field (after the first cell's closing quote) stops honouring quotes: it splits at
// every ";" and ends the row at every line break. The text after one of those starts a cell of its
// own, so it is defused too ('"' included: it would reopen quoting there).
const INNER = new RegExp(`(;|\\r\\n?|\\n)(?=[^\\S\\r\\n]*[${TRIGGER}"])`, "g");

/**
 * One CSV field, per OWASP: always quoted (embedded quotes doubled), and a "'" before it when its
 * first character after leading whitespace would start a formula; likewise after each ";" and line
 * break in it. Only ever inserts "'"; linear in the field's length.
 */
export function csvField(value) {
  let s = value === undefined || value === null ? "" : String(value);
  if (LEAD.test(s)) s = `'${s}`;
  s = s.replace(INNER, "$1'");
  return `"${s.replace(/"/g, '""')}"`;
}

/** The CSV text of `tasks`: header row, CRLF line ends, UTF-8 BOM first, every field quoted. */
export function toCsv(tr, tasks) {
  const lines = [COLUMNS.map(([k]) => csvField(k)).join(",")];
  for (const x of tasks) lines.push(COLUMNS.map(([, f]) => csvField(f(x, tr))).join(","));
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

/** The JSON text of the view: what was asked, and the tasks as the package normalized them. */
export function toJson(tasks, meta) {
  return `${JSON.stringify({ ...meta, exportedAt: new Date().toISOString(), count: tasks.length, tasks }, null, 2)}\n`;
}

/** Offers `text` as a file download (Blob + a[download]). */
export function download(filename, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.hidden = true;
  (document.body ?? document.documentElement).append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** "dcs-tasks-<instance>-20240630T120000Z" */
export function baseName(instanceId) {
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, "") + "Z";
  return `dcs-tasks-${instanceId || "pasted"}-${stamp}`;
}
