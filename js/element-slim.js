// `dcs-tasks/element/slim`: the elements without loading any wasm themselves; they wait for
// `init()` of `dcs-tasks/slim` (or for the zero-configuration entry, which `dcs-tasks/element`
// imports). Defining is idempotent.
import { DcsTaskList } from "./elements/task-list.js";
import { DcsFleet } from "./elements/fleet.js";

export { DcsTaskList, DcsFleet };

/** Defines the elements that are not defined yet (a no-op where there is no customElements). */
export function defineElements() {
  const registry = globalThis.customElements;
  if (!registry) return;
  if (!registry.get("dcs-task-list")) registry.define("dcs-task-list", DcsTaskList);
  if (!registry.get("dcs-fleet")) registry.define("dcs-fleet", DcsFleet);
}

defineElements();
