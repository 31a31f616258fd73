// Packs pkg/ with `npm pack` and installs the tarball into a fresh temporary project,
// exactly as a user would consume the published package.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, readdirSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const root = resolve(new URL("../..", import.meta.url).pathname);

let tarball;
export function packTarball() {
  if (tarball) return tarball;
  const out = join(root, "build", "pack");
  mkdirSync(out, { recursive: true });
  for (const f of readdirSync(out)) if (f.endsWith(".tgz")) execFileSync("rm", ["-f", join(out, f)]);
  const name = execFileSync("npm", ["pack", "--silent", "--pack-destination", out], {
    cwd: join(root, "pkg"),
    encoding: "utf8",
  }).trim().split("\n").pop();
  tarball = join(out, name);
  return tarball;
}

/** A fresh project under the OS temp folder with the tarball installed; returns its path. */
export function freshProject(prefix = "dcs-tasks-consumer-") {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--offline", packTarball()], { cwd: dir, stdio: "pipe" });
  return dir;
}
