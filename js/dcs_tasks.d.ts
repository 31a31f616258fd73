// Types of the dcs-tasks package: the public JS contract.

/** A time argument: a Date, epoch milliseconds, an ISO-8601 string with a zone, or the API's `yyyyMMddHHmmss` (UTC). */
export type TimeInput = Date | string | number;

/** One of the 34 DCS regions known to this version (any other region: pass `endpoint`). */
export type DcsRegion =
  | "af-south-1" | "cn-north-2" | "cn-north-4" | "cn-north-1" | "cn-east-2" | "cn-east-3"
  | "cn-south-1" | "cn-south-2" | "cn-southwest-2" | "ap-southeast-2" | "ap-southeast-1"
  | "ap-southeast-3" | "ru-northwest-2" | "sa-brazil-1" | "la-north-2" | "la-south-2"
  | "cn-north-9" | "na-mexico-1" | "ae-ad-1" | "tr-west-1" | "ap-southeast-4" | "eu-west-101"
  | "me-east-1" | "eu-west-0" | "cn-east-5" | "my-kualalumpur-1" | "ru-moscow-1" | "cn-east-4"
  | "ap-southeast-5" | "cn-north-12" | "cn-south-4" | "cn-southwest-3" | "cn-north-11"
  | "af-north-1";

export interface TokenCredentials {
  /** An IAM token: sent as `X-Auth-Token`. */
  token: string;
}

// @generated-vocab-start: by scripts/gen-vocab.mjs from knownValues() (the core decides them)
export type TaskStatus =
  | "CREATED"
  | "EXECUTING"
  | "SUCCESS"
  | "FAILED"
  | "DELETED"
  | "CANCELLED"
  | (string & {});

export type TaskName =
  | "ChangeInstanceSpec"
  | "BindEip"
  | "UnBindEip"
  | "AddReplica"
  | "DelReplica"
  | "AddWhitelist"
  | "UpdatePort"
  | "RemoveIpFromDns"
  | "EXTEND"
  | "masterStandbySwapJob"
  | "modify"
  | "DeleteAcl"
  | (string & {});

/** `Instance.status` as sent (unknown values pass through with an `unknown_value` warning). */
export type InstanceStatus =
  | "CREATING"
  | "CREATEFAILED"
  | "RUNNING"
  | "ERROR"
  | "RESTARTING"
  | "FROZEN"
  | "EXTENDING"
  | "RESTORING"
  | "FLUSHING"
  | (string & {});

export type InstanceEngine =
  | "Redis"
  | "Memcached"
  | (string & {});

/** Why an instance needs attention (`summarizeFleet`), most urgent first. */
export type ConcernKind =
  | "unreachable"
  | "abnormal"
  | "stuck"
  | "failed";
// @generated-vocab-end

// @generated-types: the output types (TaskList, Task, TaskDetails, Warning, WarningCode,
// TaskProgress, Step, SubStep, InstanceList, Instance, InstanceTag, InstanceFeatures;
// crates/parse/src/model.rs), HttpRequest (crates/core/src/query.rs) and the
// option objects (ListTasksRequestOptions, AkSkCredentials, SignOptions, ParseOptions,
// DcsClientOptions, ListQuery, ListAllQuery, CallOptions, ListAllOptions, ListInstancesQuery,
// ListAllInstancesQuery, FleetQuery, FleetOptions; src/options.rs) are
// generated from the Rust types by tsify and inserted here by scripts/assemble-types.mjs.

/** A step of `TaskProgress` (the name before the types were generated). */
export type ProgressStep = Step;
/** A sub-step of `ProgressStep`. */
export type ProgressSubStep = SubStep;

export type DcsErrorCode =
  | "INVALID_ARGUMENT" | "INVALID_RESPONSE" | "HTTP_ERROR" | "NETWORK" | "TIMEOUT" | "ABORTED";

/** Every error the package throws: an `Error` with `name === "DcsError"`. */
export interface DcsError extends Error {
  name: "DcsError";
  code: DcsErrorCode;
  /** INVALID_ARGUMENT: the argument, e.g. `instanceId`. */
  field?: string;
  /** INVALID_RESPONSE: the wire path, e.g. `tasks[3].details.old_port`. */
  path?: string;
  /** HTTP_ERROR */
  status?: number;
  errorCode?: string | null;
  errorMsg?: string | null;
  errorExtMsg?: string | null;
  requestId?: string | null;
}

export interface PageProgress {
  /** Tasks fetched so far, this page included. */
  fetched: number;
  /** The `task_count` the server reported on this page. */
  total: number;
  /** This page's normalization warnings. */
  warnings: Warning[];
}

/** `listFleetTasks`' progress: instances finished (with their tasks or an error) of all listed. */
export interface FleetProgress {
  done: number;
  total: number;
}

/** One instance of `listFleetTasks`: its tasks in the range (every page), or its error. */
export interface FleetEntry {
  instance: Instance;
  /** Newest first, as the service lists them; empty when `error` is set. Also the tasks still
   * running (CREATED, EXECUTING) that began up to 7 days before `startTime`. */
  tasks: Task[];
  /** This instance's listing failed (the others go on). */
  error?: DcsError;
}

/** A task an attention entry names (or an instance's last task). */
export interface AttentionTask {
  id: string;
  name: TaskName;
  status: TaskStatus;
  createdAt?: string;
}

/** One reason an instance needs attention. */
export interface Concern {
  kind: ConcernKind;
  /** Failed or stuck tasks; 1 for the instance's own state. */
  count: number;
  /** Since when: the oldest stuck task's start, the latest failure (absent for a state). */
  since?: string;
  /** The oldest stuck task, the latest failed one. */
  task?: AttentionTask;
  /** The listing's DcsError code (unreachable) or the instance status (abnormal). */
  code?: string;
  /** One English sentence (logs, webhooks). */
  message: string;
}

/** One instance assessed by `summarizeFleet`. */
export interface InstanceHealth {
  instanceId: string;
  name: string;
  status: InstanceStatus;
  /** The status' colour: success (running), failed (abnormal), cancelled (frozen), executing (being changed), other. */
  statusKind: "success" | "failed" | "cancelled" | "executing" | "other";
  /** Tasks in the range; `running` and `stuck` whatever their start. */
  counts: { running: number; stuck: number; failed: number; succeeded: number; total: number };
  lastTask?: AttentionTask;
  /** Its reasons to need attention, most urgent first; empty when it needs none. */
  concerns: Concern[];
  /** Its tasks still running, oldest first, each judged against its threshold (ms). */
  running: (AttentionTask & { stuck: boolean; stuckAfter: number })[];
  /** Its place in the fleet's order: 0..3 the kind of its first concern, then 4 busy, 5 changing, 6 quiet. */
  rank: number;
}

/** `summarizeFleet`'s answer: every instance, what needs attention first. */
export interface FleetSummary {
  checkedAt: string;
  since?: string;
  until?: string;
  totals: { instances: number; attention: number; unreachable: number; abnormal: number;
    stuck: number; failed: number; running: number; succeeded: number };
  /** Ranked: the first `totals.attention` need attention (by their most urgent concern), then the
   * rest; ties by the most recent last task, the name, the ID. */
  instances: InstanceHealth[];
}

export interface SummarizeOptions {
  /** The range the counts cover (as `listFleetTasks`' `q`). */
  startTime?: TimeInput;
  endTime?: TimeInput;
  /** The moment of the assessment (default: now). */
  now?: TimeInput;
  /** When a running task is stuck: milliseconds or a duration (`45m`, `12h`, `2d`; 1m..30d).
   * Default: per task type (a switchover 30 min, an address or whitelist change 1 h, a
   * specification change or a replica 6 h, other types 6 h). */
  stuckAfter?: number | string;
}

/** Pure: what needs an operator in `listFleetTasks`' entries: unreachable instances (their
 * listing failed), abnormal states (ERROR, CREATEFAILED, FROZEN), tasks running past their
 * threshold, tasks that failed in the range; ranked, with each instance's counts. */
export function summarizeFleet(entries: FleetEntry[], o?: SummarizeOptions): FleetSummary;

/** Pure: every task shown (all pages of a listing) with the listing's first page, asked again,
 * merged in: the page's new tasks first, each shown task replaced by the page's copy, each ID
 * once, the total grown by the new tasks (at least the page's `taskCount`). The task objects are
 * the ones given; the decision is the core's (the one dedup rule of the pagers). */
export function mergeFirstPage(shown: Task[], shownTotal: number, page: { tasks: Task[]; taskCount: number }): { tasks: Task[]; total: number };

/** Pure: validates and builds the list request. Throws DcsError INVALID_ARGUMENT. */
export function buildListTasksRequest(o: ListTasksRequestOptions): HttpRequest;

/** Pure: adds X-Sdk-Date (and X-Security-Token), signs with SDK-HMAC-SHA256, adds Authorization. */
export function signRequest(
  req: HttpRequest,
  cred: AkSkCredentials,
  opts?: SignOptions,
): HttpRequest;

/** Pure: strict, normalizing parser of the list response. */
export function parseListTasksResponse(
  body: string | Uint8Array | ArrayBuffer,
  opts?: ParseOptions,
): TaskList;

/** Pure: strict, normalizing parser of the ListInstances response (`GET /v2/{project_id}/instances`). */
export function parseListInstancesResponse(
  body: string | Uint8Array | ArrayBuffer,
  opts?: ParseOptions,
): InstanceList;

/** The values this version knows; others are kept as sent, with an `unknown_value` warning. */
export interface KnownValues {
  /** CREATED, EXECUTING, SUCCESS, FAILED, DELETED, CANCELLED. */
  taskStatuses: string[];
  /** ChangeInstanceSpec, BindEip, ... */
  taskNames: string[];
  /** FINISH, FAILED, EXECUTING, WAITING (`TaskProgress` steps). */
  stepStatuses: string[];
  /** CREATING, CREATEFAILED, RUNNING, ERROR, RESTARTING, FROZEN, EXTENDING, RESTORING, FLUSHING. */
  instanceStatuses: string[];
  /** Redis, Memcached. */
  engines: string[];
  /** The task statuses of a task that has not ended: CREATED, EXECUTING. */
  runningTaskStatuses: string[];
  /** Why an instance needs attention, most urgent first: unreachable, abnormal, stuck, failed. */
  concernKinds: string[];
  /** The edge proxy's own error codes (the `code` of its JSON error answers, a DcsError's
   * `errorCode` when the proxy refused or failed): TOKEN_REQUIRED, UPSTREAM_UNREACHABLE, ... */
  proxyCodes: string[];
  /** The time ranges the elements offer, by name ("1h", "24h", "7d", "30d"): milliseconds back from now. */
  timeRanges: Record<string, number>;
  /** The limits and defaults of the listings the elements start. */
  limits: {
    /** The API's largest page (`limit`): 1000. */
    maxPageSize: number;
    /** `listAllTasks`' default `pageSize`: 100. */
    listAllPageSize: number;
    /** `listFleetTasks`' `concurrency`: at most 16, 4 by default. */
    fleetConcurrencyMax: number;
    fleetConcurrencyDefault: number;
    /** A view's range starts on a multiple of this (60000: a whole minute), so that views opened
     * within the same minute ask for the same range and a proxy shares their reads. */
    rangeStepMs: number;
  };
}

/** Pure: the task statuses, task names and step statuses this version knows (for pages and tools). */
export function knownValues(): KnownValues;

/** Pure: display text with every invisible or reordering character (bidi controls, zero-width,
 * control characters) shown as `[U+XXXX]`, so that a person sees it; other values as given. The
 * parsers report such text with an `invisible_text` warning at its path. */
export function revealText<T>(text: T): T;

export class DcsClient {
  constructor(o: DcsClientOptions);
  listTasks(instanceId: string, q?: ListQuery, o?: CallOptions): Promise<TaskList>;
  listAllTasks(instanceId: string, q?: ListAllQuery, o?: ListAllOptions): AsyncIterable<Task>;
  showTaskProgress(instanceId: string, taskId: string, o?: CallOptions): Promise<TaskProgress>;
  /** Polls the progress every `o.intervalMs` (default 3000, at least 250); yields each answer whose
   * progress or steps changed; ends after the one with progress 100 or a FAILED step. Each poll is
   * a normal call (retries, timeoutMs); an error rejects `next()` with its DcsError and ends it;
   * `o.signal` or `return()` stops it at once. */
  watchTaskProgress(instanceId: string, taskId: string, o?: WatchOptions): AsyncIterable<TaskProgress> & AsyncIterator<TaskProgress>;
  deleteTask(instanceId: string, taskId: string, o?: CallOptions): Promise<void>;
  /** One page of the project's instances (DCS ListInstances). */
  listInstances(q?: ListInstancesQuery, o?: CallOptions): Promise<InstanceList>;
  /** Every instance, in order, deduplicated by ID (pages of `q.pageSize`, default 1000, four at once). */
  listAllInstances(q?: ListAllInstancesQuery, o?: CallOptions): AsyncIterable<Instance> & AsyncIterator<Instance>;
  /** For every instance (filtered by `q.name`, `q.status`), its tasks in `q.startTime..q.endTime`
   * (every page), yielded per instance as each finishes, at most `o.concurrency` (1..16, default 4)
   * at once. An instance's failure is its entry's `error` and never ends the whole; a failure to
   * list the instances, or `o.signal` (ABORTED), rejects `next()`. */
  listFleetTasks(q?: FleetQuery, o?: FleetOptions): AsyncIterable<FleetEntry> & AsyncIterator<FleetEntry>;
  free(): void;
}

/**
 * Every entry has already initialised the module when the import resolves; calling this again
 * is a no-op that returns the existing instance's exports.
 */
export function initSync(opts: { module: BufferSource | WebAssembly.Module }): unknown;
/** Resolves once the wasm is instantiated (`dcs-tasks`: in the background from the import, or by
 * a call made before that, which instantiates it on the spot; `dcs-tasks/slim`: by `init()`). */
export const ready: Promise<void>;
