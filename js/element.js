// `dcs-tasks/element`: defines <dcs-task-list> and <dcs-fleet> (idempotent: importing twice, or next to another
// copy, is harmless) and exports their classes. It takes the zero-configuration entry, so it works in
// every bundler and in a plain <script type="module"> with no import map; `dcs-tasks/element/slim`
// is the same elements over `dcs-tasks/slim` (call its `init()`).
import "./index.js";
export * from "./element-slim.js";
