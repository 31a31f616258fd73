// The client of a DCS-compatible endpoint given with `project-id` (not a dcs-tasks proxy whose
// /api/config names the project): the package's DcsClient, the one `checked` (made to check the
// endpoint and the headers) already is. `dcs-tasks/element` (one bundle over the elements' build
// of the wasm, which talks to a proxy's normalized routes only) has js/element-direct.js here.
export const directClient = async (checked) => checked;
