// Types of `dcs-tasks/element` (and `dcs-tasks/element/slim`): the <dcs-task-list> and <dcs-fleet>
// elements, their events and their entries in HTMLElementTagNameMap / HTMLElementEventMap.
import type { DcsClient, DcsError, Instance, Task, TaskList } from "./dcs_tasks.js";

/** The filters, time range and page offset of a task list (`view`, `dcs-view-change`). */
export interface TaskListView {
  /** "all" | "1h" | "24h" | "7d" | "30d" | "custom" */
  range: "all" | "1h" | "24h" | "7d" | "30d" | "custom";
  /** ISO-8601 UTC bounds of a custom range ("" when open). */
  from: string;
  to: string;
  /** A task status to show only ("" for any). */
  status: string;
  /** A task name (type) to show only ("" for any). */
  type: string;
  /** Text searched in IDs, types (both languages), statuses, users and summaries. */
  search: string;
  /** The first task of the page shown. */
  offset: number;
}

export interface DcsLoadDetail { instanceId: string; taskCount: number; tasks: Task[] }
export interface DcsSelectDetail { task: Task }
export interface DcsErrorDetail { error: DcsError }
export interface DcsViewChangeDetail { view: TaskListView; pageSize: number }
/** The proxy's `/api/config` answer, read when `endpoint` is set without `project-id`. */
export interface DcsConfigDetail {
  config: { projectId: string; demoInstance?: string; [key: string]: unknown };
  /** The client the element made with it (the element's own: do not free it). */
  client: DcsClient;
}

/**
 * `<dcs-task-list endpoint="https://dcs-proxy.example.com" instance-id="…" lang="en" page-size="20" auto-refresh>`:
 * the background tasks of one DCS instance. Attributes are reflected as properties.
 */
export declare class DcsTaskList extends HTMLElement {
  static readonly observedAttributes: string[];
  /** A dcs-tasks proxy (its /api/config gives the project) or a DCS-compatible endpoint with project-id. */
  endpoint: string | null;
  projectId: string | null;
  instanceId: string;
  /** Tasks per page (1..1000; 20 when absent or invalid). */
  pageSize: number;
  /** Follows executing tasks live (watchTaskProgress) and refreshes the list when they end. */
  autoRefresh: boolean;
  /** The client in use; set one (a console that authenticates itself) to use it instead of endpoint. */
  client: DcsClient | null;
  /** Extra headers for the proxy, e.g. { Authorization: "Bearer …" } (never reflected). */
  headers: Record<string, string>;
  /** The filters, time range and page offset. */
  view: TaskListView;
  /** A TaskList shown as it is (no fetching, paging or progress); null to fetch again. */
  taskList: TaskList | null;
  /** Every task loaded, before the filters. */
  readonly tasks: Task[];
  /** Asks the instance's tasks again. */
  refresh(): void;
  addEventListener<K extends keyof DcsTaskListEventMap>(type: K, listener: (this: DcsTaskList, ev: DcsTaskListEventMap[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof DcsTaskListEventMap>(type: K, listener: (this: DcsTaskList, ev: DcsTaskListEventMap[K]) => unknown, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

export interface DcsTaskListEventMap extends HTMLElementEventMap {
  "dcs-load": CustomEvent<DcsLoadDetail>;
  "dcs-select": CustomEvent<DcsSelectDetail>;
  "dcs-error": CustomEvent<DcsErrorDetail>;
  "dcs-view-change": CustomEvent<DcsViewChangeDetail>;
  "dcs-config": CustomEvent<DcsConfigDetail>;
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

export interface DcsFleetLoadDetail { instanceCount: number; instances: Instance[]; failed: number }
export interface DcsInstanceSelectDetail { instance: Instance }
export interface DcsFleetViewChangeDetail { view: { range: DcsFleet["range"] } }

/**
 * `<dcs-fleet endpoint="https://dcs-proxy.example.com" lang="en" range="24h">`: every instance of
 * the project and what each is doing in the range, what needs attention first.
 */
export declare class DcsFleet extends HTMLElement {
  static readonly observedAttributes: string[];
  endpoint: string | null;
  projectId: string | null;
  /** The time range of the task counts (default "24h"). */
  range: "1h" | "24h" | "7d" | "30d" | "all";
  /** Instances whose tasks are listed at once, 1..16 (default 4). */
  concurrency: number;
  client: DcsClient | null;
  headers: Record<string, string>;
  /** The fleet as shown, in attention order. */
  readonly rows: FleetRow[];
  /** Lists the fleet again. */
  refresh(): void;
  addEventListener<K extends keyof DcsFleetEventMap>(type: K, listener: (this: DcsFleet, ev: DcsFleetEventMap[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof DcsFleetEventMap>(type: K, listener: (this: DcsFleet, ev: DcsFleetEventMap[K]) => unknown, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

export interface DcsFleetEventMap extends HTMLElementEventMap {
  "dcs-load": CustomEvent<DcsFleetLoadDetail>;
  "dcs-instance-select": CustomEvent<DcsInstanceSelectDetail>;
  "dcs-error": CustomEvent<DcsErrorDetail>;
  "dcs-view-change": CustomEvent<DcsFleetViewChangeDetail>;
  "dcs-config": CustomEvent<DcsConfigDetail>;
}

/** Defines the elements not defined yet (done on import; a no-op without customElements). */
export declare function defineElements(): void;

declare global {
  interface HTMLElementTagNameMap {
    "dcs-task-list": DcsTaskList;
    "dcs-fleet": DcsFleet;
  }
  // The events bubble and are composed: a listener on any ancestor (or document) gets them typed
  // (`dcs-load` and `dcs-view-change` as either element sends them).
  interface HTMLElementEventMap {
    "dcs-load": CustomEvent<DcsLoadDetail | DcsFleetLoadDetail>;
    "dcs-instance-select": CustomEvent<DcsInstanceSelectDetail>;
    "dcs-select": CustomEvent<DcsSelectDetail>;
    "dcs-error": CustomEvent<DcsErrorDetail>;
    "dcs-view-change": CustomEvent<DcsViewChangeDetail | DcsFleetViewChangeDetail>;
    "dcs-config": CustomEvent<DcsConfigDetail>;
  }
}
