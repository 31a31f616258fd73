// The dcs-tasks proxy in a Next.js App Router route handler on the edge runtime, mounted at
// /dcs-edge. On the edge runtime Next adds the catch-all segments to the query (`path=...`).
import { handleProxyRequest } from "dcs-tasks/proxy";

export const runtime = "edge";
const env = { ...process.env, PROXY_BASE_PATH: "/dcs-edge", PROXY_IGNORE_QUERY: "path" };
const handle = (request) => handleProxyRequest(request, env);
// Every method Next routes, so that the proxy answers them all (405 as the proxy words it).
export { handle as GET, handle as HEAD, handle as POST, handle as PUT, handle as DELETE, handle as PATCH, handle as OPTIONS };
