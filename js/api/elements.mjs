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
  /** Every task of the range is listed ("Load all": listAllTasks), not one page; set it to list
   * them, clear it to go back to the pages. Asked per instance: another instance starts on its
   * first page. */
  all: boolean;
}

/** One row of <dcs-fleet>: an instance, its tasks in the range (and those still running that
 * began before it), or the error of its listing, and the core's assessment (summarizeFleet). */
export interface FleetRow {
  instance: Instance;
  tasks: Task[];
  error?: DcsError;
  /** Its counts, concerns, rank, status colour and last task, as the core decided them. */
  health: InstanceHealth;
}

/** What an element shows (\`state\`, reflected as \`data-state\` on the element): loading (nothing
 * shown yet), ready, stale (the last data kept while a refresh fails), error (nothing to show). */
export type ElementState = "loading" | "ready" | "stale" | "error";

/** The range and filters of <dcs-fleet> (\`view\`, \`dcs-view-change\`). */
export interface FleetView {
  range: FleetRange;
  /** Text searched in names and IDs. */
  name: string;
  /** An instance status to show only ("" for any). */
  status: string;
  /** Only the instances with this concern (a summary count), or with running tasks ("" for any). */
  concern: ConcernKind | "running" | "";
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
export interface DcsFleetLoadDetail { instanceCount: number; instances: Instance[]; failed: number; summary: FleetSummary }
/** \`view\`: the task view to open, from an attention item (its concern's task status and range),
 * e.g. { status: "FAILED", range: "24h" } or { status: "EXECUTING", range: "custom", from }. */
export interface DcsInstanceSelectDetail { instance: Instance; view?: Partial<TaskListView> }
export interface DcsFleetViewChangeDetail { view: FleetView }`;

/** The names element.d.ts imports from the package's main types. */
export const IMPORTS = ["ConcernKind", "DcsClient", "DcsError", "FleetSummary", "Instance", "InstanceHealth", "Task", "TaskList"];

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
const state = {
  name: "state", type: "ElementState | \"\"", readonly: true,
  description: "loading | ready | stale (the last data kept while a refresh fails) | error, reflected as data-state on the element (\"\" before the first load).",
};
const common = { endpoint, projectId, lang, headers, config, state };

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
      { name: "view", type: "TaskListView", description: "The filters, time range, page offset and \"Load all\": { range, from, to, status, type, search, offset, all }." },
      { name: "taskList", type: "TaskList | null", description: "A TaskList shown as it is (no fetching, paging or progress); null to fetch again." },
      { name: "tasks", type: "Task[]", readonly: true, description: "Every task loaded, before the filters." },
      common.state,
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
    description: "Every instance of a Huawei Cloud DCS project and what each is doing in a time range: what needs attention first (the core's summarizeFleet: a summary line whose counts filter the table, an attention list with each reason and a link to the tasks behind it), a timeline with one lane per instance, a table (status, engine, capacity, running/failed/succeeded task counts, the last task or the listing's error); refreshes itself, keeps its data through a failed refresh (stale) and recovers.",
    example: "<dcs-fleet endpoint=\"https://dcs-proxy.example.com\" lang=\"en\" range=\"24h\">",
    attributes: [
      common.endpoint,
      common.projectId,
      common.lang,
      { name: "range", property: "range", type: "FleetRange", default: "\"24h\"", description: "The time range of the task counts." },
      { name: "concurrency", property: "concurrency", type: "number", default: "4", description: "Instances whose tasks are listed at once, 1..16." },
      { name: "refresh-interval", property: "refreshInterval", type: "number", default: "60", description: "Seconds between refreshes (after each listing ends; paused while the tab is hidden); 0: only when asked." },
    ],
    properties: [
      { name: "client", type: "DcsClient | null", description: "The client in use; set one to use it instead of endpoint." },
      common.headers,
      { name: "rows", type: "FleetRow[]", readonly: true, description: "The fleet as shown (after the filters), in the core's order: { instance, tasks, error?, health }." },
      { name: "summary", type: "FleetSummary | null", readonly: true, description: "The core's assessment of the last listing (summarizeFleet), null before the first." },
      { name: "view", type: "FleetView", description: "The range and the filters: { range, name, status, concern }." },
      common.state,
    ],
    methods: [{ name: "refresh", return: "void", description: "Lists the fleet again." }],
    events: [
      { name: "dcs-load", detail: "DcsFleetLoadDetail", description: "The fleet was listed (failed: instances whose task listing failed)." },
      { name: "dcs-instance-select", detail: "DcsInstanceSelectDetail", description: "An instance was chosen (its name, its row, one of its bars, or an attention item's link: then with the task view to open)." },
      { name: "dcs-error", detail: "DcsErrorDetail", description: "The instance listing failed (a refresh too: the data is kept, stale); the element shows it too." },
      { name: "dcs-view-change", detail: "DcsFleetViewChangeDetail", description: "The user changed the time range or a filter." },
      common.config,
    ],
    parts: [
      ["filters", "The filters (time range, name, status, what is shown)."],
      ["attention", "The attention list: one item per instance that needs attention, in the core's order."],
      ["attention-item", "An item of the attention list (data-instance-id): its name, status, reasons and links."],
      ["stale", "The banner of a failed refresh: the data kept, since when it fails."],
      ["toolbar", "The count, the time of the listing and the refresh interval."],
      ["timeline", "The timeline, one lane per instance."],
      ["table", "The instance table."],
      ["row", "An instance row (data-instance-id, data-status, data-rank, data-attention: \"true\" for the attention list's)."],
      ["status", "A status badge."],
      ["error", "The error banner."],
    ].map(([name, description]) => ({ name, description })),
    cssProperties: CSS_PROPERTIES,
  },
];
