// Export of the current (filtered) view: CSV (RFC 4180, UTF-8 with BOM for Excel) and JSON.
import { typeLabel, statusLabel } from "./i18n.js";
import { summary, durationMs } from "./render.js";

const COLUMNS = [
  ["id", (x) => x.id],
  ["name", (x) => x.name],
  ["type_en", (x) => typeLabel(x.name, "en") ?? ""],
  ["type_zh", (x) => typeLabel(x.name, "zh") ?? ""],
  ["status", (x) => x.status],
  ["status_label", (x) => statusLabel(x.status)],
  ["user_name", (x) => x.userName ?? ""],
  ["user_id", (x) => x.userId ?? ""],
  ["created_at", (x) => x.createdAt ?? ""],
  ["updated_at", (x) => x.updatedAt ?? ""],
  ["duration_s", (x) => { const d = durationMs(x); return d === null ? "" : String(d / 1000); }],
  ["summary", (x) => summary(x)],
  ["enable_show", (x) => (x.enableShow === undefined ? "" : String(x.enableShow))],
  ["params", (x) => x.params ?? ""],
  ["details", (x) => JSON.stringify(x.details ?? {})],
];

/** One CSV field: quoted when it holds a quote, comma, CR or LF; formula-like text is defused. */
export function csvField(value) {
  let s = value === undefined || value === null ? "" : String(value);
  // A cell starting with = + - @ (or tab/CR) would run as a formula in spreadsheets.
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The CSV text of `tasks`: header row, CRLF line ends, UTF-8 BOM first. */
export function toCsv(tasks) {
  const lines = [COLUMNS.map(([k]) => k).join(",")];
  for (const x of tasks) lines.push(COLUMNS.map(([, f]) => csvField(f(x))).join(","));
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
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** "dcs-tasks-<instance>-20240630T120000Z" */
export function baseName(instanceId) {
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, "") + "Z";
  return `dcs-tasks-${instanceId || "pasted"}-${stamp}`;
}
