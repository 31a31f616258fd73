// The API of <dcs-task-list> and <dcs-fleet>, written once. `node scripts/gen-element-api.mjs`
// generates from it (and `--check`, run by `make test-lint`, fails when one has drifted):
//   js/custom-elements.json          the Custom Elements Manifest (package.json "customElements");
//   js/element.d.ts                  the classes, their event maps, HTMLElementTagNameMap/EventMap;
//   js/elements/observed.js          the observedAttributes the element classes read;
//   js/element-jsx.d.ts              JSX props (custom-element-jsx-integration), used by:
//   js/element-react.d.ts            React 19: `dcs-tasks/element/react` (React.JSX.IntrinsicElements);
//   js/element-solid.d.ts            Solid (custom-element-solidjs-integration): `dcs-tasks/element/solid`;
//   js/element-vue.d.ts              Vue 3.5: `dcs-tasks/element/vue` (GlobalComponents, typed emits);
//   js/element-svelte.d.ts           Svelte 5: `dcs-tasks/element/svelte` (svelte/elements).
// tests/page checks the manifest against the real elements (attributes, properties, methods,
// events fired, parts); tests/consumers/element-types.test.mjs type-checks apps against the typings.

/** TypeScript declarations of the values the elements take and send (element.d.ts, verbatim). */
export const TYPES = `/** The filters, time range and page offset of a task list (\`view\`, \`dcs-view-change\`). */
export interface TaskListView {
  /** "all" | "1h" | "24h" | "7d" | "30d" | "custom" */
  range: "all" | "1h" | "24h" | "7d" | "30d" | "custom";
  /** ISO-8601 UTC bounds of a custom range ("" when open). */
  from: string;
  to: string;
  /** A task status to show only ("" for any). A status, type or search answers for every task of
   * the range: while one is set the element lists them all (listAllTasks), not one page. */
  status: string;
  /** A task name (type) to show only ("" for any). */
  type: string;
  /** Text searched in IDs, types (both languages), statuses, users and summaries. */
  search: string;
  /** The first task of the page shown. */
  offset: number;
}

/** One row of <dcs-fleet>: an instance, its tasks in the range, or the error of its listing. */
export interface FleetRow {
  instance: Instance;
  tasks: Task[];
  error?: DcsError;
  counts: { executing: number; failed: number; succeeded: number };
  /** Its most recent task in the range. */
  last: Task | null;
}

/** The time ranges of <dcs-fleet>. */
export type FleetRange = "1h" | "24h" | "7d" | "30d" | "all";

export interface DcsLoadDetail { instanceId: string; taskCount: number; tasks: Task[] }
export interface DcsSelectDetail { task: Task }
export interface DcsErrorDetail { error: DcsError }
export interface DcsViewChangeDetail { view: TaskListView; pageSize: number }
/** The proxy's \`/api/config\` answer, read when \`endpoint\` is set without \`project-id\`. */
export interface DcsConfigDetail {
  config: { projectId: string; demoInstance?: string; [key: string]: unknown };
  /** The client the element made with it (the element's own: do not free it). */
  client: DcsClient;
}
export interface DcsFleetLoadDetail { instanceCount: number; instances: Instance[]; failed: number }
export interface DcsInstanceSelectDetail { instance: Instance }
export interface DcsFleetViewChangeDetail { view: { range: FleetRange } }`;

/** The names element.d.ts imports from the package's main types. */
export const IMPORTS = ["DcsClient", "DcsError", "Instance", "Task", "TaskList"];

const endpoint = {
  name: "endpoint", property: "endpoint", type: "string | null",
  description: "A dcs-tasks proxy (its /api/config gives the project) or a DCS-compatible endpoint with project-id.",
};
const projectId = {
  name: "project-id", property: "projectId", type: "string | null",
  description: "The project; read from the proxy's /api/config when absent.",
};
// `lang` is HTMLElement's own property: the attribute is listed, no property of the element's own.
const lang = {
  name: "lang", type: "\"en\" | \"zh\"",
  description: "The language; default: the nearest lang of the document, then the browser's.",
};
const headers = {
  name: "headers", type: "Record<string, string>",
  description: "Extra headers for the proxy, e.g. { Authorization: \"Bearer …\" } (never reflected).",
};
const config = { name: "dcs-config", detail: "DcsConfigDetail", description: "The proxy's /api/config was read." };
const common = { endpoint, projectId, lang, headers, config };

const CSS_PROPERTIES = [
  ["--dcs-font", "Font family."],
  ["--dcs-text", "Text colour."],
  ["--dcs-muted", "Secondary text colour."],
  ["--dcs-background", "Background of details rows."],
  ["--dcs-surface", "Background of panels and controls."],
  ["--dcs-border", "Border colour."],
  ["--dcs-accent", "Primary buttons, focus ring, selection."],
  ["--dcs-accent-text", "Text on the accent."],
  ["--dcs-focus", "Focus ring (default: the accent)."],
  ["--dcs-success", "SUCCESS / FINISH."],
  ["--dcs-failed", "FAILED."],
  ["--dcs-running", "EXECUTING."],
  ["--dcs-waiting", "CREATED / WAITING."],
  ["--dcs-inactive", "CANCELLED / DELETED."],
  ["--dcs-other", "Statuses the package does not know."],
].map(([name, description]) => ({ name, description }));

/**
 * Each element: attributes (name, the property reflecting it, its type as the property has it,
 * default), properties of its own (not reflected), methods, events (the type of `detail`),
 * parts and CSS custom properties.
 */
export const ELEMENTS = [
  {
    tag: "dcs-task-list",
    className: "DcsTaskList",
    module: "elements/task-list.js",
    description: "The background tasks of one Huawei Cloud DCS instance: filters, a table with expandable rows and live progress, a timeline, paging and Load all, CSV/JSON export, English and Chinese.",
    example: "<dcs-task-list endpoint=\"https://dcs-proxy.example.com\" instance-id=\"…\" lang=\"en\" page-size=\"20\" auto-refresh>",
    attributes: [
      common.endpoint,
      common.projectId,
      { name: "instance-id", property: "instanceId", type: "string", description: "The instance whose tasks are shown." },
      common.lang,
      { name: "page-size", property: "pageSize", type: "number", default: "20", description: "Tasks per page, 1..1000 (20 when absent or invalid)." },
      { name: "auto-refresh", property: "autoRefresh", type: "boolean", description: "Follows executing tasks live (watchTaskProgress) and refreshes the list when they end." },
    ],
    properties: [
      { name: "client", type: "DcsClient | null", description: "The client in use; set one (a console that authenticates itself) to use it instead of endpoint." },
      common.headers,
      { name: "view", type: "TaskListView", description: "The filters, time range and page offset: { range, from, to, status, type, search, offset }." },
      { name: "taskList", type: "TaskList | null", description: "A TaskList shown as it is (no fetching, paging or progress); null to fetch again." },
      { name: "tasks", type: "Task[]", readonly: true, description: "Every task loaded, before the filters." },
    ],
    methods: [{ name: "refresh", return: "void", description: "Asks the instance's tasks again." }],
    events: [
      { name: "dcs-load", detail: "DcsLoadDetail", description: "Tasks were loaded (a page, everything, or a refresh)." },
      { name: "dcs-select", detail: "DcsSelectDetail", description: "A task row was opened (clicked, Enter, or its timeline bar)." },
      { name: "dcs-error", detail: "DcsErrorDetail", description: "A request failed; the element shows it too." },
      { name: "dcs-view-change", detail: "DcsViewChangeDetail", description: "The user changed a filter, the time range, the page or the page size." },
      common.config,
    ],
    parts: [
      ["filters", "The filter form (time range, status, type, search)."],
      ["toolbar", "Count, auto-refresh, paging, Load all and exports."],
      ["timeline", "The timeline above the table."],
      ["table", "The task table."],
      ["row", "A task row (data-task-id, data-status)."],
      ["details", "A task's details row."],
      ["status", "A status badge."],
      ["error", "The error banner."],
    ].map(([name, description]) => ({ name, description })),
    cssProperties: CSS_PROPERTIES,
  },
  {
    tag: "dcs-fleet",
    className: "DcsFleet",
    module: "elements/fleet.js",
    description: "Every instance of a Huawei Cloud DCS project and what each is doing in a time range: status, engine, capacity, executing/failed/succeeded task counts, the last task or the instance's own error, what needs attention first, a timeline with one lane per instance.",
    example: "<dcs-fleet endpoint=\"https://dcs-proxy.example.com\" lang=\"en\" range=\"24h\">",
    attributes: [
      common.endpoint,
      common.projectId,
      common.lang,
      { name: "range", property: "range", type: "FleetRange", default: "\"24h\"", description: "The time range of the task counts." },
      { name: "concurrency", property: "concurrency", type: "number", default: "4", description: "Instances whose tasks are listed at once, 1..16." },
    ],
    properties: [
      { name: "client", type: "DcsClient | null", description: "The client in use; set one to use it instead of endpoint." },
      common.headers,
      { name: "rows", type: "FleetRow[]", readonly: true, description: "The fleet as shown, in attention order: { instance, tasks, error?, counts, last }." },
    ],
    methods: [{ name: "refresh", return: "void", description: "Lists the fleet again." }],
    events: [
      { name: "dcs-load", detail: "DcsFleetLoadDetail", description: "The fleet was listed (failed: instances whose task listing failed)." },
      { name: "dcs-instance-select", detail: "DcsInstanceSelectDetail", description: "An instance was chosen (its name, its row, or one of its bars)." },
      { name: "dcs-error", detail: "DcsErrorDetail", description: "The instance listing failed; the element shows it too." },
      { name: "dcs-view-change", detail: "DcsFleetViewChangeDetail", description: "The user changed the time range." },
      common.config,
    ],
    parts: [
      ["filters", "The filters (time range, name, status)."],
      ["toolbar", "The count and the time of the listing."],
      ["timeline", "The timeline, one lane per instance."],
      ["table", "The instance table."],
      ["row", "An instance row (data-instance-id, data-status, data-attention)."],
      ["status", "A status badge."],
      ["error", "The error banner."],
    ].map(([name, description]) => ({ name, description })),
    cssProperties: CSS_PROPERTIES,
  },
];
