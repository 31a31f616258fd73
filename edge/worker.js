// The edge proxy worker: all logic is in the dcs-tasks package (Rust/wasm).
import { handleProxyRequest } from "dcs-tasks/proxy";

export default {
  fetch(request, env) {
    return handleProxyRequest(request, env);
  },
};
