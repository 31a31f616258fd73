#!/usr/bin/env node
// Usage: node scripts/drop-closure-shims.mjs in.wasm out.wasm   (wasm-bindgen's output, with names)
//
// js-sys exports a describe function for each of its imports, and the describes of those that take
// closures put wasm-bindgen's closure invoke shims (and js-sys's JSPI waker) into the function
// table. wasm-bindgen removes the describes but leaves the table entries, so every shim and what
// it calls stays in the module although nothing can reach it: only JS glue made for a `Closure`
// can call a shim, and build-pkg.sh runs this only when the glue has none. This points those
// table entries at one function that stays anyway, so `wasm-opt` can drop the shims.
// Only the element and name sections are read; everything else is copied byte for byte.
import { readFileSync, writeFileSync } from "node:fs";

const [input, output] = process.argv.slice(2);
const buf = readFileSync(input);
const DEAD = [/^wasm_bindgen::convert::closures::_::invoke::/, /^js_sys::futures::jspi::/];

function uleb(b, p) {
  let v = 0, shift = 0, byte;
  do {
    byte = b[p++];
    v += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [v, p];
}
function encUleb(v) {
  const out = [];
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v) byte |= 0x80;
    out.push(byte);
  } while (v);
  return out;
}

// Sections: [id, start, end] of each content.
const sections = [];
for (let p = 8; p < buf.length; ) {
  const id = buf[p];
  const [size, q] = uleb(buf, p + 1);
  sections.push({ id, head: p, start: q, end: q + size });
  p = q + size;
}
// Function names, from the "name" custom section's subsection 1.
const names = new Map();
for (const s of sections.filter((s) => s.id === 0)) {
  let [n, p] = uleb(buf, s.start);
  if (buf.subarray(p, p + n).toString() !== "name") continue;
  p += n;
  while (p < s.end) {
    const kind = buf[p];
    let size;
    [size, p] = uleb(buf, p + 1);
    const end = p + size;
    if (kind === 1) {
      let count;
      [count, p] = uleb(buf, p);
      for (let i = 0; i < count; i++) {
        let idx, len;
        [idx, p] = uleb(buf, p);
        [len, p] = uleb(buf, p);
        names.set(idx, buf.subarray(p, p + len).toString());
        p += len;
      }
    }
    p = end;
  }
}
if (!names.size) throw new Error(`${input}: no function names (run on wasm-bindgen's output)`);
const elem = sections.find((s) => s.id === 9);
if (!elem) {
  writeFileSync(output, buf);
  process.exit(0);
}
// Rewrite the element section: only the active funcref forms (flags 0 and 2) are expected.
let [count, p] = uleb(buf, elem.start);
const out = [...encUleb(count)];
let dropped = 0;
for (let i = 0; i < count; i++) {
  const flags = buf[p];
  if (flags !== 0 && flags !== 2) throw new Error(`element segment flags ${flags}: not handled`);
  const segStart = p;
  p += 1;
  if (flags === 2) [, p] = uleb(buf, p); // table index
  // offset expression: one constant instruction, then end
  const op = buf[p];
  if (op !== 0x41 && op !== 0x23) throw new Error(`element offset opcode ${op}: not handled`);
  p += 1;
  while (buf[p] & 0x80) p++;
  p++;
  if (buf[p] !== 0x0b) throw new Error("element offset: expected end");
  p++;
  if (flags === 2) {
    if (buf[p] !== 0) throw new Error("element kind: expected funcref");
    p++;
  }
  out.push(...buf.subarray(segStart, p));
  let n;
  [n, p] = uleb(buf, p);
  const funcs = [];
  for (let j = 0; j < n; j++) {
    let f;
    [f, p] = uleb(buf, p);
    funcs.push(f);
  }
  const keep = funcs.find((f) => !DEAD.some((re) => re.test(names.get(f) || "")));
  out.push(...encUleb(n));
  for (const f of funcs) {
    const dead = keep !== undefined && DEAD.some((re) => re.test(names.get(f) || ""));
    if (dead) dropped++;
    out.push(...encUleb(dead ? keep : f));
  }
}
if (p !== elem.end) throw new Error("element section: unexpected trailing bytes");
const section = Buffer.from([9, ...encUleb(out.length), ...out]);
writeFileSync(output, Buffer.concat([buf.subarray(0, elem.head), section, buf.subarray(elem.end)]));
console.error(`drop-closure-shims: ${dropped} table entries no longer keep a closure shim alive`);
