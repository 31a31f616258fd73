// The dcs-tasks proxy in a Next.js App Router route handler on the edge runtime, mounted at
// /dcs-edge. On the edge runtime Next adds the catch-all segments to the query (`path=...`).
import { handleProxyRequest } from "dcs-tasks/proxy";

export const runtime = "edge";
const env = { ...process.env, PROXY_BASE_PATH: "/dcs-edge", PROXY_IGNORE_QUERY: "path" };
const handle = (request) => handleProxyRequest(request, env);
export { handle as GET, handle as HEAD, handle as DELETE, handle as OPTIONS };
