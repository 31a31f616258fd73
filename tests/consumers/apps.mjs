// The consumer apps of tests/consumers: one minimal console app per toolchain, each at its
// defaults (no configuration file, no plugin but the one the toolchain needs to resolve npm
// packages at all), importing `dcs-tasks` by name. Generated into tests/consumers/.apps/<tool>/
// (so that they resolve this folder's node_modules: the pinned toolchains and the package
// installed from pkg/), built for production, and served as a console would serve them.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, extname, join, resolve } from "node:path";
import { gzipSync } from "node:zlib";

export const here = dirname(new URL(import.meta.url).pathname);
export const root = resolve(here, "..", "..");
export const appsDir = join(here, ".apps");
export const PROJECT = "0123456789abcdef0123456789abcdef";
export const TOKEN = "consumer-test-token-7Yq2";
const SEED = readFileSync(join(root, "tests", "fixtures", "seed-example.json"), "utf8");

/** Installs the pinned toolchains (once: cached while package-lock.json is unchanged) and the
 * freshly packed dcs-tasks from pkg/ (every run, as `npm i` would: the tarball's files). */
export function install() {
  const marker = join(here, "node_modules", ".package-lock.json");
  let fresh = false;
  try {
    fresh = statSync(marker).mtimeMs >= statSync(join(here, "package-lock.json")).mtimeMs;
  } catch {
    fresh = false;
  }
  if (!fresh) {
    execFileSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: here, stdio: "inherit" });
    writeFileSync(marker, readFileSync(marker));
  }
  mkdirSync(appsDir, { recursive: true });
  const tgz = execFileSync("npm", ["pack", "--silent", "--pack-destination", appsDir], {
    cwd: join(root, "pkg"), encoding: "utf8" }).trim().split("\n").pop();
  const dest = join(here, "node_modules", "dcs-tasks");
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  execFileSync("tar", ["xzf", join(appsDir, tgz), "-C", dest, "--strip-components=1"]);
  return dest;
}

/** The app's code, shared by the browser apps: parse the seed, build a request, list from the
 * mock through DcsClient; the result as JSON in #out (data-done when finished). */
export const MAIN = `import { parseListTasksResponse, buildListTasksRequest, DcsClient } from "dcs-tasks";
import seed from "./seed.js";

const out = document.getElementById("out");
const q = new URLSearchParams(location.search);
const list = parseListTasksResponse(seed);
const req = buildListTasksRequest({ region: "cn-north-4", projectId: "${PROJECT}", instanceId: "n3", limit: 2 });
const show = (more) => {
  out.textContent = JSON.stringify({ parsed: list.tasks.map((t) => t.id), url: req.url, ...more });
  out.dataset.done = "1";
};
const client = new DcsClient({ endpoint: q.get("mock"), projectId: "${PROJECT}", auth: { token: "${TOKEN}" }, retries: 0 });
client.listTasks("n3", { limit: 2 }).then(
  (page) => show({ listed: page.taskCount, first: page.tasks.length }),
  (e) => show({ error: String(e.code) + ": " + e.message }),
);
`;

const SEED_JS = `export default ${JSON.stringify(SEED)};\n`;

const html = (script) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>dcs-tasks console</title></head>
<body><pre id="out">loading</pre>
<script type="module" src="${script}"></script>
</body></html>
`;

/** Writes an app folder: files relative to it. */
function writeApp(name, files) {
  const dir = join(appsDir, name);
  rmSync(dir, { recursive: true, force: true });
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
  return dir;
}

const bin = (name) => join(here, "node_modules", ".bin", name);

function run(cmd, args, cwd, env = {}) {
  return execFileSync(cmd, args, {
    cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 26,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NO_COLOR: "1", NODE_ENV: "production", ...env },
  });
}

/** Runs a build and returns everything it printed (stdout and stderr); throws on failure. */
function runPrinted(cmd, args, cwd, env = {}) {
  const r = spawnSync(cmd, args, {
    cwd, encoding: "utf8", maxBuffer: 1 << 26,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NG_CLI_ANALYTICS: "false", NO_COLOR: "1", FORCE_COLOR: "0", NODE_ENV: "production", ...env },
  });
  const printed = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status ?? r.signal}):\n${printed}`);
  return printed;
}

/** A Vite build at --logLevel warn prints nothing unless something is wrong: every line it
 * prints (the "Some chunks are larger than 500 kB" warning included) fails the app. */
export function assertQuietBuild(printed, label) {
  const lines = printed.split("\n").map((l) => l.trim()).filter(Boolean);
  if (lines.length) throw new Error(`${label}: the build printed warnings:\n${lines.join("\n")}`);
}

/** Vite 6 through its API at log level "warn": what it logged, warnings included. */
function quietLogger() {
  const logged = [];
  const log = (m) => logged.push(String(m));
  return { logged, logger: { info() {}, warn: log, warnOnce: log, error: log, clearScreen() {}, hasErrorLogged: () => false, hasWarned: false } };
}

/**
 * The toolchains: each generates its app and builds it for production; returns the folder to
 * serve. Only what each toolchain's own "getting started" asks for.
 */
export const TOOLCHAINS = {
  "vite6": async () => {
    const dir = writeApp("vite6", { "index.html": html("/src/main.js"), "src/main.js": MAIN, "src/seed.js": SEED_JS });
    const { build } = await import(join(here, "node_modules", "vite6", "dist", "node", "index.js"));
    const { logged, logger } = quietLogger();
    await build({ root: dir, logLevel: "warn", configFile: false, customLogger: logger });
    assertQuietBuild(logged.join("\n"), "vite6");
    return join(dir, "dist");
  },
  "vite (latest)": async () => {
    const dir = writeApp("vite", { "index.html": html("/src/main.js"), "src/main.js": MAIN, "src/seed.js": SEED_JS });
    assertQuietBuild(runPrinted(bin("vite"), ["build", "--logLevel", "warn"], dir), "vite (latest)");
    return join(dir, "dist");
  },
  "webpack 5": async () => {
    const dir = writeApp("webpack", { "src/index.js": MAIN, "src/seed.js": SEED_JS, "dist/index.html": html("main.js") });
    // `npx webpack` run in the app's folder, at its defaults: ./src/index.js to ./dist/main.js,
    // production mode.
    const { default: webpack } = await import("webpack");
    const options = { context: dir, mode: "production", output: { path: join(dir, "dist") } };
    await new Promise((res, rej) => webpack(options, (err, stats) => {
      if (err || stats.hasErrors()) rej(err ?? new Error(stats.toString("errors-only")));
      else res();
    }));
    return join(dir, "dist");
  },
  "Rollup 4 + node-resolve": async () => {
    const dir = writeApp("rollup", { "src/main.js": MAIN, "src/seed.js": SEED_JS, "dist/index.html": html("bundle.js") });
    const { rollup } = await import("rollup");
    const { nodeResolve } = await import("@rollup/plugin-node-resolve");
    const b = await rollup({ input: join(dir, "src", "main.js"), plugins: [nodeResolve({ browser: true })], logLevel: "warn" });
    await b.write({ file: join(dir, "dist", "bundle.js"), format: "es" });
    await b.close();
    return join(dir, "dist");
  },
  "esbuild": async () => {
    const dir = writeApp("esbuild", { "src/main.js": MAIN, "src/seed.js": SEED_JS, "dist/index.html": html("main.js") });
    run(bin("esbuild"), ["src/main.js", "--bundle", "--format=esm", "--platform=browser", "--outdir=dist", "--log-level=warning"], dir);
    return join(dir, "dist");
  },
  "Parcel 2": async () => {
    const dir = writeApp("parcel", {
      "index.html": html("./src/main.js"), "src/main.js": MAIN, "src/seed.js": SEED_JS,
      "package.json": JSON.stringify({ name: "parcel-console", private: true, source: "index.html" }),
    });
    run(bin("parcel"), ["build", "index.html", "--no-autoinstall", "--no-cache", "--log-level", "warn"], dir);
    return join(dir, "dist");
  },
  "no bundler": async () => {
    // A plain <script type="module">: the app imports the package by its relative path (no
    // import map), the server serves the folder and node_modules as they are.
    const dir = writeApp("plain", {
      "index.html": html("/app.js"),
      "app.js": MAIN.replace('from "dcs-tasks"', 'from "./node_modules/dcs-tasks/index.js"'),
      "seed.js": SEED_JS,
    });
    cpSync(join(here, "node_modules", "dcs-tasks"), join(dir, "node_modules", "dcs-tasks"), { recursive: true });
    return dir;
  },
};

/** The element in a Vite app at zero configuration: `import "dcs-tasks/element"`, the tag in
 * index.html, a DcsClient of the console's own (token auth) set as its `client`; #out tells what
 * the element loaded (its dcs-load event and the rows in its shadow root). */
export async function viteElementApp() {
  const main = `import "dcs-tasks/element";
import { DcsClient } from "dcs-tasks";

const out = document.getElementById("out");
const el = document.querySelector("dcs-task-list");
el.addEventListener("dcs-load", (e) => {
  const rows = el.shadowRoot.querySelectorAll("tbody tr.task").length;
  out.textContent = JSON.stringify({ instanceId: e.detail.instanceId, taskCount: e.detail.taskCount, rows, defined: customElements.get("dcs-task-list") === el.constructor });
  out.dataset.done = "1";
});
el.addEventListener("dcs-error", (e) => { out.textContent = JSON.stringify({ error: e.detail.error.code + ": " + e.detail.error.message }); out.dataset.done = "1"; });
el.client = new DcsClient({ endpoint: new URLSearchParams(location.search).get("mock"), projectId: "${PROJECT}", auth: { token: "${TOKEN}" }, retries: 0 });
el.instanceId = "n3";
`;
  const dir = writeApp("vite-element", {
    "index.html": `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>dcs-tasks console</title></head>
<body><dcs-task-list lang="en"></dcs-task-list><pre id="out">loading</pre>
<script type="module" src="/src/main.js"></script>
</body></html>
`,
    "src/main.js": main,
  });
  assertQuietBuild(runPrinted(bin("vite"), ["build", "--logLevel", "warn"], dir), "vite (element)");
  return join(dir, "dist");
}

/** The elements' page script: #out tells what the element loaded from `?open=` (a mock DCS that
 * takes calls without credentials), as the other element apps do. */
const ELEMENT_OUT = (el, nonNull = "") => `{ instanceId: e.detail.instanceId, taskCount: e.detail.taskCount, rows: ${el}.shadowRoot${nonNull}.querySelectorAll("tbody tr.task").length, defined: customElements.get("dcs-task-list") === ${el}.constructor }`;

/** React 19 + Vite as \`npm create vite\` (template react) makes it: @vitejs/plugin-react, JSX,
 * \`import "dcs-tasks/element/react"\` and the tag with its attributes and an \`ondcs-load\`
 * handler; nothing else of dcs-tasks (no DcsClient of its own). Built with no warning. */
export function reactViteElementApp() {
  const dir = writeApp("react-vite", {
    "index.html": `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>dcs-tasks console</title></head>
<body><div id="root"></div><script type="module" src="/src/main.jsx"></script></body></html>
`,
    "vite.config.js": `import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
export default defineConfig({ plugins: [react()] });
`,
    "src/main.jsx": `import { StrictMode, useState } from "react";
import { createRoot } from "react-dom/client";
import "dcs-tasks/element/react";

function App() {
  const [out, setOut] = useState(null);
  const endpoint = new URLSearchParams(location.search).get("open");
  return (
    <main>
      <dcs-task-list endpoint={endpoint} project-id="${PROJECT}" instance-id="n3" lang="en"
        ondcs-load={(e) => setOut(${ELEMENT_OUT("e.currentTarget")})}
        ondcs-error={(e) => setOut({ error: e.detail.error.code + ": " + e.detail.error.message })} />
      <pre id="out" data-done={out ? "1" : undefined}>{out ? JSON.stringify(out) : "loading"}</pre>
    </main>
  );
}

createRoot(document.getElementById("root")).render(<StrictMode><App /></StrictMode>);
`,
  });
  assertQuietBuild(runPrinted(bin("vite"), ["build", "--logLevel", "warn"], dir), "React 19 + Vite (element)");
  return join(dir, "dist");
}

/** Angular 21 as \`ng new\` makes it (standalone, zoneless, the application builder, the
 * production configuration with its default budgets: initial 500 kB warning / 1 MB error), a
 * component with \`<dcs-task-list>\` (CUSTOM_ELEMENTS_SCHEMA) and \`import "dcs-tasks/element"\`.
 * \`ng build\` must print no warning (a budget exceeded is one). */
export function angularElementApp() {
  const dir = writeApp("angular", {
    "package.json": JSON.stringify({ name: "console", private: true, type: "module" }),
    "angular.json": JSON.stringify({
      $schema: "./node_modules/@angular/cli/lib/config/schema.json",
      version: 1, cli: { analytics: false, cache: { enabled: false } }, newProjectRoot: "projects",
      projects: { console: {
        projectType: "application", root: "", sourceRoot: "src", prefix: "app",
        architect: { build: {
          builder: "@angular/build:application",
          options: { browser: "src/main.ts", tsConfig: "tsconfig.app.json", index: "src/index.html" },
          configurations: {
            production: {
              budgets: [
                { type: "initial", maximumWarning: "500kB", maximumError: "1MB" },
                { type: "anyComponentStyle", maximumWarning: "4kB", maximumError: "8kB" },
              ],
              outputHashing: "all",
            },
            development: { optimization: false, extractLicenses: false, sourceMap: true },
          },
          defaultConfiguration: "production",
        } },
      } },
    }, null, 2),
    "tsconfig.json": JSON.stringify({
      compileOnSave: false,
      compilerOptions: { strict: true, noImplicitOverride: true, noPropertyAccessFromIndexSignature: true,
        noImplicitReturns: true, noFallthroughCasesInSwitch: true, skipLibCheck: true, isolatedModules: true,
        experimentalDecorators: true, importHelpers: true, target: "ES2022", module: "preserve" },
      angularCompilerOptions: { enableI18nLegacyMessageIdFormat: false, strictInjectionParameters: true,
        strictInputAccessModifiers: true, strictTemplates: true },
    }, null, 2),
    "tsconfig.app.json": JSON.stringify({ extends: "./tsconfig.json", compilerOptions: { outDir: "./out-tsc/app", types: [] },
      include: ["src/**/*.ts"] }, null, 2),
    "src/index.html": `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>dcs-tasks console</title><base href="/"></head>
<body><app-root></app-root></body></html>
`,
    "src/main.ts": `import { bootstrapApplication } from "@angular/platform-browser";
import { provideBrowserGlobalErrorListeners, provideZonelessChangeDetection } from "@angular/core";
import { App } from "./app/app";

bootstrapApplication(App, { providers: [provideBrowserGlobalErrorListeners(), provideZonelessChangeDetection()] })
  .catch((err) => console.error(err));
`,
    "src/app/app.ts": `import { Component, CUSTOM_ELEMENTS_SCHEMA, signal } from "@angular/core";
import "dcs-tasks/element";

@Component({
  selector: "app-root",
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: \`<dcs-task-list [attr.endpoint]="endpoint" project-id="${PROJECT}" instance-id="n3" lang="en"
      (dcs-load)="loaded($event)" (dcs-error)="failed($event)"></dcs-task-list>
    <pre id="out" [attr.data-done]="out() ? '1' : null">{{ out() ?? "loading" }}</pre>\`,
})
export class App {
  protected readonly endpoint = new URLSearchParams(location.search).get("open");
  protected readonly out = signal<string | null>(null);
  loaded(ev: Event) {
    const e = ev as CustomEvent<{ instanceId: string; taskCount: number }>;
    const el = e.currentTarget as HTMLElement;
    this.out.set(JSON.stringify(${ELEMENT_OUT("el", "!")}));
  }
  failed(ev: Event) {
    const e = ev as CustomEvent<{ error: { code: string; message: string } }>;
    this.out.set(JSON.stringify({ error: e.detail.error.code + ": " + e.detail.error.message }));
  }
}
`,
  });
  const printed = runPrinted(bin("ng"), ["build"], dir);
  const warnings = printed.split("\n").filter((l) => /warning|budget|exceeded/i.test(l));
  if (warnings.length) throw new Error(`Angular: ng build warned:\n${printed}`);
  return { dist: join(dir, "dist", "console", "browser"), printed };
}

/** Next.js 15 app router: a client component (it renders on the server too, then hydrates). */
export function nextApp() {
  return writeApp("next", {
    "app/layout.js": `export const metadata = { title: "dcs-tasks console" };
export default function RootLayout({ children }) {
  return <html lang="en"><body>{children}</body></html>;
}
`,
    "app/page.js": `import Tasks from "./tasks";
export default function Page() {
  return <main><Tasks /></main>;
}
`,
    "app/seed.js": SEED_JS,
    "app/tasks.js": `"use client";
import { useEffect, useState } from "react";
import { parseListTasksResponse, DcsClient } from "dcs-tasks";
import seed from "./seed.js";

export default function Tasks() {
  // Runs while the server renders the page and again in the browser.
  const list = parseListTasksResponse(seed);
  const [listed, setListed] = useState("pending");
  useEffect(() => {
    const mock = new URLSearchParams(location.search).get("mock");
    const client = new DcsClient({ endpoint: mock, projectId: "${PROJECT}", auth: { token: "${TOKEN}" }, retries: 0 });
    client.listTasks("n3", { limit: 2 }).then((p) => setListed(String(p.taskCount)), (e) => setListed("error " + e.code));
  }, []);
  return <pre id="out" data-listed={listed}>{list.tasks.map((t) => t.id).join(",")}</pre>;
}
`,
    "package.json": JSON.stringify({ name: "next-console", private: true }),
  });
}

export function buildNext(dir) {
  run(bin("next"), ["build"], dir);
}

/** `next start` on a free port; resolves { url, close }. */
export async function startNext(dir, port) {
  const child = spawn(bin("next"), ["start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: dir, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
  });
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited: ${log}`);
    try {
      if ((await fetch(url)).ok) break;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`next start did not answer: ${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, close: () => new Promise((r) => { child.once("exit", r); child.kill("SIGTERM"); }) };
}

const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm", ".css": "text/css", ".json": "application/json", ".map": "application/json" };

/** A static server over `dir` (as a console's web server: every file with its type) under
 * `csp` when given. Resolves { url, requests, close }. */
export function serve(dir, csp) {
  const requests = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    requests.push(path);
    let file = join(dir, path);
    if (!file.startsWith(dir)) { res.writeHead(403).end(); return; }
    try {
      if (statSync(file).isDirectory()) file = join(file, "index.html");
      const body = readFileSync(file);
      const headers = { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream", "Cache-Control": "no-store" };
      if (csp) headers["Content-Security-Policy"] = csp;
      res.writeHead(200, headers).end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  return new Promise((r) => server.listen(0, "127.0.0.1", () => r({
    url: `http://127.0.0.1:${server.address().port}/`, requests,
    close: () => new Promise((c) => server.close(c)),
  })));
}

/** What a page downloaded from a build: the JS and wasm files it asked for, raw and gzipped. */
export function downloaded(dir, requests) {
  let raw = 0;
  let gz = 0;
  for (const path of new Set(requests)) {
    if (!/\.(m?js|wasm)$/.test(path)) continue;
    try {
      const b = readFileSync(join(dir, path));
      raw += b.length;
      gz += gzipSync(b, { level: 9 }).length;
    } catch {
      // not a file of the build
    }
  }
  return { raw, gz };
}
