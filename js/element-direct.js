// `dcs-tasks/element`'s client of a DCS-compatible endpoint given with `project-id`. The
// elements' build of the wasm reads only a dcs-tasks proxy's normalized routes, so such an
// endpoint gets the package's full client (`dcs-tasks`: DCS's own routes, the strict parsers),
// loaded on demand; a page whose elements talk to a proxy never downloads it. Bundled into
// element.js in place of elements/direct.js (scripts/build-pkg.sh).
export async function directClient(checked, o) {
  checked.free();
  const { DcsClient, ready } = await import("./index.js");
  await ready;
  return new DcsClient(o);
}
