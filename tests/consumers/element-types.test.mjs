// The elements' framework typings (generated from js/api/elements.mjs) in apps that declare
// nothing of their own: a React 19 + TypeScript app (tsc), a Vue 3.5 app (vue-tsc), a Svelte 5
// app (svelte-check) and a Solid app (tsc), each importing `dcs-tasks/element/<framework>` from
// the packed package. Each app's good file uses both elements (attributes, the `client` property,
// every event with its detail) and type-checks; each bad-* file is one misuse that must fail
// with its expected error: a detail field that does not exist (`e.detail.task.nosuch`), a
// handler typed `CustomEvent<number>`, an event name the framework never fires (React's
// `onDcs-select`), an attribute of the wrong type.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { install, here, appsDir } from "./apps.mjs";

const bin = (name) => join(here, "node_modules", ".bin", name);
before(() => install());

/** Writes an app's files into .apps/types-<name>/; returns its folder. */
function app(name, files) {
  const dir = join(appsDir, `types-${name}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  return dir;
}

function check(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout: 180_000 });
  return `${r.stdout}\n${r.stderr}`;
}

/** The error codes each file got, from `file(line,col): error TSxxxx` lines. */
function codesByFile(output) {
  const by = {};
  for (const m of output.matchAll(/^([\w./-]+?)[(:]\d+[,:]\d+\)?:? -? ?error (TS\d+)/gm)) (by[m[1].replace(/^.*\//, "")] ??= []).push(m[2]);
  return by;
}

function assertCodes(by, bad, output, label) {
  const good = Object.keys(by).filter((f) => !f.startsWith("bad-"));
  assert.deepEqual(good, [], `${label}: the good files type-check\n${output}`);
  for (const [file, code] of Object.entries(bad)) {
    assert.ok(by[file]?.includes(code), `${label}: ${file} fails with ${code}, got ${JSON.stringify(by[file])}\n${output}`);
  }
}

const TSCONFIG = (extra = {}) => JSON.stringify({
  compilerOptions: {
    strict: true, noEmit: true, target: "es2022", module: "esnext", moduleResolution: "bundler",
    lib: ["dom", "es2022"], skipLibCheck: false, types: [], ...extra,
  },
}, null, 2);

const CLIENT = `import { DcsClient } from "dcs-tasks";
import type { Task, Instance } from "dcs-tasks";
const client = new DcsClient({ endpoint: "https://dcs-proxy.example.com", projectId: "p" });
`;

test("React 19 + TypeScript: dcs-tasks/element/react types the JSX elements, their props and ondcs-* events", () => {
  const jsx = (body) => `import "dcs-tasks/element/react";\n${CLIENT}export const el = (${body});\nvoid client;\n`;
  const dir = app("react", {
    "tsconfig.json": TSCONFIG({ jsx: "react-jsx", types: ["react"] }),
    "good.tsx": `import { useState } from "react";
import "dcs-tasks/element/react";
${CLIENT}
export function App() {
  const [task, setTask] = useState<Task | null>(null);
  const [instance, setInstance] = useState<Instance | null>(null);
  return (
    <>
      <dcs-task-list endpoint="https://dcs-proxy.example.com" instance-id="i" lang="en" page-size={20} auto-refresh
        client={client} headers={{ Authorization: "Bearer t" }}
        ondcs-select={(e) => setTask(e.detail.task)}
        ondcs-load={(e) => e.detail.tasks.map((t) => t.id).concat(e.detail.instanceId, String(e.detail.taskCount))}
        ondcs-error={(e) => e.detail.error.code}
        ondcs-view-change={(e) => e.detail.view.range + e.detail.pageSize}
        ondcs-config={(e) => e.detail.config.projectId} />
      <dcs-fleet endpoint="https://dcs-proxy.example.com" range="7d" concurrency={4} client={client}
        ondcs-instance-select={(e) => setInstance(e.detail.instance)}
        ondcs-load={(e) => e.detail.instances.length + e.detail.failed} />
      <p>{task?.id}{instance?.name}</p>
    </>
  );
}
`,
    "bad-detail.tsx": jsx(`<dcs-task-list ondcs-select={(e) => e.detail.task.nosuch} />`),
    "bad-handler.tsx": jsx(`<dcs-task-list ondcs-select={(e: CustomEvent<number>) => e.detail} />`),
    "bad-event-name.tsx": jsx(`<dcs-task-list onDcs-select={(e: CustomEvent) => e.detail} />`),
    "bad-fleet-range.tsx": jsx(`<dcs-fleet range="2h" />`),
    "bad-client.tsx": jsx(`<dcs-task-list client={{ listTasks: 1 }} />`),
  });
  const out = check(bin("tsc"), ["-p", "."], dir);
  assertCodes(codesByFile(out), {
    "bad-detail.tsx": "TS2339", "bad-handler.tsx": "TS2322", "bad-event-name.tsx": "TS2322",
    "bad-fleet-range.tsx": "TS2322", "bad-client.tsx": "TS2322",
  }, out, "react");
});

test("Vue 3.5 + vue-tsc: dcs-tasks/element/vue types the elements in templates and their @dcs-* events", () => {
  const sfc = (script, template) => `<script setup lang="ts">
import "dcs-tasks/element/vue";
${script}
</script>
<template>
  ${template}
</template>
`;
  const dir = app("vue", {
    "tsconfig.json": TSCONFIG({ jsx: "preserve", types: [] }).replace(/\n}$/, `,\n  "include": ["*.vue", "*.ts"]\n}`),
    "good.vue": sfc(`import { ref } from "vue";
${CLIENT}const task = ref<Task | null>(null);
const instance = ref<Instance | null>(null);
function onSelect(e: CustomEvent<{ task: Task }>) { task.value = e.detail.task; }`,
    // (vue-tsc 3.3.14: an attribute value with "//" in the element's start tag loses the inline
    // handlers' types there, TS7006: a relative endpoint here)
    `<dcs-task-list endpoint="/dcs-proxy" instance-id="i" lang="en" :page-size="20" auto-refresh
    :client="client" @dcs-select="onSelect" @dcs-load="(e) => e.detail.tasks.map((t) => t.id)"
    @dcs-error="(e) => e.detail.error.code" @dcs-view-change="(e) => e.detail.view.range" />
  <dcs-fleet range="7d" :concurrency="4" @dcs-instance-select="(e) => (instance = e.detail.instance)" />
  <p>{{ task?.id }}{{ instance?.name }}</p>`),
    "bad-detail.vue": sfc("", `<dcs-task-list @dcs-select="(e) => e.detail.task.nosuch" />`),
    "bad-handler.vue": sfc("function onSelect(e: CustomEvent<number>) { return e.detail; }", `<dcs-task-list @dcs-select="onSelect" />`),
    "bad-fleet-range.vue": sfc("", `<dcs-fleet range="2h" />`),
  });
  const out = check(bin("vue-tsc"), ["-p", ".", "--noEmit"], dir);
  assertCodes(codesByFile(out), {
    "bad-detail.vue": "TS2339", "bad-handler.vue": "TS2322", "bad-fleet-range.vue": "TS2322",
  }, out, "vue");
});

test("Svelte 5 + svelte-check: dcs-tasks/element/svelte types the elements and their ondcs-* events", () => {
  const comp = (script, markup) => `<script lang="ts">
  import "dcs-tasks/element/svelte";
  ${script}
</script>
${markup}
`;
  const dir = app("svelte", {
    "tsconfig.json": TSCONFIG({ types: [] }).replace(/\n}$/, `,\n  "include": ["*.svelte", "*.ts"]\n}`),
    "good.svelte": comp(`${CLIENT}let task: Task | null = $state(null);
  let instance: Instance | null = $state(null);`,
    // (vue-tsc 3.3.14: an attribute value with "//" in the element's start tag loses the inline
    // handlers' types there, TS7006: a relative endpoint here)
    `<dcs-task-list endpoint="/dcs-proxy" instance-id="i" lang="en" page-size={20} auto-refresh
  {client} ondcs-select={(e) => (task = e.detail.task)} ondcs-load={(e) => e.detail.tasks.map((t) => t.id)}
  ondcs-error={(e) => e.detail.error.code}></dcs-task-list>
<dcs-fleet range="7d" concurrency={4} ondcs-instance-select={(e) => (instance = e.detail.instance)}></dcs-fleet>
<p>{task?.id}{instance?.name}</p>`),
    "bad-detail.svelte": comp("", `<dcs-task-list ondcs-select={(e) => e.detail.task.nosuch}></dcs-task-list>`),
    "bad-handler.svelte": comp("const onSelect = (e: CustomEvent<number>) => e.detail;", `<dcs-task-list ondcs-select={onSelect}></dcs-task-list>`),
    "bad-fleet-range.svelte": comp("", `<dcs-fleet range="2h"></dcs-fleet>`),
  });
  const out = check(bin("svelte-check"), ["--tsconfig", "./tsconfig.json", "--output", "machine-verbose", "--fail-on-warnings"], dir);
  const by = {};
  for (const line of out.split("\n")) {
    const m = /^\d+ (\{.*\})$/.exec(line);
    if (!m) continue;
    const d = JSON.parse(m[1]);
    if (d.type === "ERROR" || d.type === "WARNING") (by[d.filename.replace(/^.*\//, "")] ??= []).push(`TS${d.code}`);
  }
  assertCodes(by, { "bad-detail.svelte": "TS2339", "bad-handler.svelte": "TS2322", "bad-fleet-range.svelte": "TS2322" }, out, "svelte");
});

test("Solid + TypeScript: dcs-tasks/element/solid types the elements and their on:dcs-* events", () => {
  const jsx = (body) => `import "dcs-tasks/element/solid";\n${CLIENT}export const el = (${body});\nvoid client;\n`;
  const dir = app("solid", {
    "tsconfig.json": TSCONFIG({ jsx: "preserve", jsxImportSource: "solid-js", types: [] }),
    "good.tsx": jsx(`<>
  <dcs-task-list endpoint="https://dcs-proxy.example.com" instance-id="i" page-size={20} prop:client={client}
    on:dcs-select={(e) => e.detail.task.id} on:dcs-load={(e) => e.detail.taskCount} />
  <dcs-fleet range="7d" on:dcs-instance-select={(e: CustomEvent<{ instance: Instance }>) => e.detail.instance.name} />
</>`),
    "bad-detail.tsx": jsx(`<dcs-task-list on:dcs-select={(e) => e.detail.task.nosuch} />`),
    "bad-handler.tsx": jsx(`<dcs-task-list on:dcs-select={(e: CustomEvent<number>) => e.detail} />`),
  });
  const out = check(bin("tsc"), ["-p", "."], dir);
  assertCodes(codesByFile(out), { "bad-detail.tsx": "TS2339", "bad-handler.tsx": "TS2322" }, out, "solid");
});
