// The soak test's worker (tests/soak/soak.test.mjs): the edge proxy as edge/worker.js runs
// it, plus two test routes: /__soak/memory (both wasm memories, in bytes) and
// /__soak/list?n=N (N listTasks calls from this worker through the library's DcsClient).
import { handleProxyRequest } from "dcs-tasks/proxy";
import proxyWasm from "dcs-tasks/dcs_tasks_proxy_bg.wasm";
import { initSync as proxyInit } from "dcs-tasks/dcs_tasks_proxy.js";
import libWasm from "dcs-tasks/dcs_tasks_bg.wasm";
import { initSync as libInit, DcsClient } from "dcs-tasks/dcs_tasks.js";

// Already instantiated by the entries: initSync hands back the instance's exports.
const proxy = proxyInit({ module: proxyWasm });
const lib = libInit({ module: libWasm });
const memory = () => ({ proxy: proxy.memory.buffer.byteLength, lib: lib.memory.buffer.byteLength });

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/__soak/memory") return Response.json(memory());
    if (url.pathname === "/__soak/list") {
      const client = new DcsClient({
        endpoint: env.DCS_ENDPOINT,
        projectId: env.HUAWEICLOUD_SDK_PROJECT_ID,
        auth: { ak: env.HUAWEICLOUD_SDK_AK, sk: env.HUAWEICLOUD_SDK_SK },
      });
      let tasks = 0;
      try {
        for (let i = 0, n = Number(url.searchParams.get("n")); i < n; i++) {
          tasks += (await client.listTasks(url.searchParams.get("instance"), { limit: 5 })).tasks.length;
        }
      } finally {
        client.free();
      }
      return Response.json({ tasks, ...memory() });
    }
    return handleProxyRequest(request, env);
  },
};
