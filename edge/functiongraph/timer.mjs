// The dcs-tasks watchdog as a Huawei Cloud FunctionGraph event function with a timer trigger
// (e.g. "Rate 5 minutes"; handler `timer.handler`, Node.js runtime): each invocation is one
// check, posting each event to ALERT_WEBHOOKS once (a webhook that misses a check's posts is
// told again by the next ones, with a state file). The function's environment variables are
// the proxy's (edge/README.md). Its state lives in ALERT_STATE_FILE on a mounted file system
// (SFS Turbo; the function's own disk does not outlive it); without one, each run reports
// the window since the previous tick (set ALERT_EVERY to the trigger's period in seconds).
import { fileStore, runWatchdog } from "dcs-tasks/proxy";

export async function handler(event) {
  const env = process.env;
  const store = env.ALERT_STATE_FILE ? fileStore(env.ALERT_STATE_FILE) : undefined;
  const scheduledTime = Date.parse(event?.time ?? "") || Date.now();
  const report = await runWatchdog(env, { store, scheduledTime });
  return {
    events: report.events.length,
    delivered: report.webhooks.filter((w) => w.delivered).map((w) => w.name),
    failed: report.webhooks
      .filter((w) => !w.delivered)
      .map((w) => `${w.name}: ${w.error}${w.kept ? ` (${w.kept} event(s) kept for the next check)` : ""}`),
    error: report.error,
  };
}
