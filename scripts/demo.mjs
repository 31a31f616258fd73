// `make demo`: the mock DCS server + the edge proxy in real workerd + the www/ page, on
// 127.0.0.1:8787 (PORT or --port overrides). With HUAWEICLOUD_SDK_AK/SK/PROJECT_ID and
// DCS_REGION (or DCS_ENDPOINT) in the environment, the proxy talks to the real DCS instead.
import http from "node:http";
import { startStack, realDcsConfigured, DEMO_INSTANCE } from "./stack.mjs";

/** The demo's webhook: a `generic` receiver on 127.0.0.1 that prints each event it is posted. */
async function demoWebhook() {
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      try {
        for (const e of JSON.parse(Buffer.concat(chunks).toString("utf8")).events ?? []) {
          console.log(`watchdog: ${e.kind} ${e.instanceName}${e.taskName ? ` ${e.taskName}` : ""}: ${e.message}`);
        }
      } catch {
        // not an event body: nothing to show
      }
      res.writeHead(204).end();
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  server.unref();
  return `generic:http://127.0.0.1:${server.address().port}/`;
}

const args = process.argv.slice(2);
const i = args.indexOf("--port");
const port = Number(i >= 0 ? args[i + 1] : process.env.PORT || 8787);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`demo: invalid port ${i >= 0 ? args[i + 1] : process.env.PORT}`);
  process.exit(2);
}
const real = realDcsConfigured();
let stack;
try {
  // The mock's newest task is "now" so the page's time presets show tasks; tests pin the
  // data to the mock's fixed anchor with --fixed-data.
  const mock = args.includes("--fixed-data") ? {} : { anchor: "now" };
  // Who may call the proxy, from the environment in both modes (PROXY_TOKEN=... make demo
  // shows the token prompt of the page).
  // The demo binds 127.0.0.1 and trusts its loopback callers (TRUST_LOOPBACK, edge/README.md).
  const env = { TRUST_LOOPBACK: "true" };
  for (const v of ["PROXY_TOKEN", "PUBLIC_ACCESS", "ALLOWED_ORIGINS", "ALLOWED_INSTANCES", "ENABLE_DELETE",
    "ALERT_WEBHOOKS", "ALERT_FEISHU_SECRET", "ALERT_DINGTALK_SECRET", "ALERT_STUCK_AFTER", "ALERT_EVERY"]) {
    if (process.env[v]) env[v] = process.env[v];
  }
  // The watchdog (edge/README.md): posts to a local webhook printing here, unless ALERT_WEBHOOKS
  // names others; a check every ALERT_EVERY seconds (15 in the demo).
  env.ALERT_WEBHOOKS ??= await demoWebhook();
  env.ALERT_EVERY ??= "15";
  stack = await startStack({ port, env, mock: real ? false : mock, quiet: !args.includes("--verbose") });
} catch (e) {
  console.error(`demo: could not start: ${e.message}`);
  process.exit(1);
}
const page = real
  ? stack.url
  : `${stack.url}?instance=${DEMO_INSTANCE}`;
console.log(real
  ? `dcs-tasks demo: proxy to the real DCS (${process.env.DCS_ENDPOINT || process.env.DCS_REGION})`
  : `dcs-tasks demo: mock DCS at ${stack.mock.url}, edge proxy in workerd`);
console.log(`open ${page}`);
console.log(`ready: ${stack.url}`);
console.log(`watchdog: a check every ${stack.env.ALERT_EVERY} s (the Cron Trigger's stand-in); events print here`);
console.log("Ctrl-C stops both.");
// The Cron Trigger's stand-in: edge/worker.js's `scheduled` handler, now and every ALERT_EVERY s.
const check = () => stack.scheduled().catch((e) => console.error(`demo: watchdog check failed: ${e.message}`));
check();
setInterval(check, Number(stack.env.ALERT_EVERY) * 1000).unref();
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await stack.close();
  console.log("demo stopped");
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
stack.child.on("exit", (code) => {
  if (!stopping) {
    console.error(`demo: workerd exited (${code})`);
    stack.close().then(() => process.exit(1));
  }
});
