// Runs a command with the mock DCS server up: `node tests/with-mock.mjs -- <cmd> [args...]`.
// The command sees DCS_MOCK_URL (the mock, with permissive CORS for browser tests) and
// DCS_MOCK_TOKEN (an IAM token the mock accepts). Exits with the command's status.
import { spawn } from "node:child_process";
import { startMock } from "./mock-dcs/server.mjs";

const i = process.argv.indexOf("--");
const cmd = i >= 0 ? process.argv.slice(i + 1) : [];
if (!cmd.length) {
  console.error("usage: node tests/with-mock.mjs -- <command> [args...]");
  process.exit(2);
}
const token = "test-iam-token-0123456789abcdef";
const mock = await startMock({ port: 0, cors: true, tokens: [token] });
const child = spawn(cmd[0], cmd.slice(1), {
  stdio: "inherit",
  env: { ...process.env, DCS_MOCK_URL: mock.url, DCS_MOCK_TOKEN: token },
});
const code = await new Promise((r) => child.on("exit", (c, sig) => r(c ?? (sig ? 1 : 0))));
const s = mock.stats;
console.error(`mock: served ${s.total} requests, max concurrency ${s.maxConcurrency}`);
await mock.close();
process.exit(code);
