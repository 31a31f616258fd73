// Writes the package's dcs_tasks.d.ts: the hand-written part (js/dcs_tasks.d.ts: functions,
// the DcsClient class, option objects, overloads) with the output types that tsify generated
// from the Rust types (wasm-bindgen's .d.ts, its custom sections) inserted at the marker.
//   node scripts/assemble-types.mjs <wasm-bindgen .d.ts> <hand-written .d.ts> <out>
import { readFileSync, writeFileSync } from "node:fs";

const [generatedFile, handFile, outFile] = process.argv.slice(2);
const generated = readFileSync(generatedFile, "utf8");
const hand = readFileSync(handFile, "utf8");
const fail = (m) => {
  console.error(`assemble-types: ${m}`);
  process.exit(1);
};

// wasm-bindgen writes the custom sections first, then its own init declarations.
const start = generated.indexOf("/* eslint-disable */");
const end = generated.indexOf("export type InitInput");
if (start < 0 || end < 0) fail(`unexpected layout of ${generatedFile}`);
let types = generated.slice(start + "/* eslint-disable */".length, end).trim();
// The Rust types are generic over their string type; in JS it is always string.
types = types.replace(/^export interface (Task|TaskDetails)<S> \{/gm, "export interface $1 {");
if (/:\s*S\b|<S>|\bS\[\]/.test(types)) fail("a generated type still names the Rust type parameter S");
const want = ["TaskList", "Task", "TaskDetails", "Warning", "WarningCode", "TaskProgress", "Step", "SubStep",
  "ListTasksRequestOptions", "AkSkCredentials", "SignOptions", "ParseOptions", "DcsClientOptions", "ListQuery",
  "ListAllQuery", "CallOptions", "ListAllOptions", "HttpRequest", "InstanceList", "Instance", "InstanceTag",
  "InstanceFeatures", "ListInstancesQuery", "ListAllInstancesQuery", "FleetQuery", "FleetOptions"];
for (const t of want)
  if (!new RegExp(`^export (interface|type) ${t}\\b`, "m").test(types)) fail(`${t} was not generated`);
const marker = /^\/\/ @generated-types:.*\n(\/\/.*\n)*/m;
if (!marker.test(hand)) fail(`no @generated-types marker in ${handFile}`);
const block = `// Generated from the Rust types by tsify (crates/parse/src/model.rs, crates/core/src/query.rs,\n// src/options.rs): do not edit here.\n\n${types}\n`;
writeFileSync(outFile, hand.replace(marker, () => block));
