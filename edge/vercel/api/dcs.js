// The dcs-tasks proxy as a Vercel Edge Function at /api/dcs (vercel.json sends /api/dcs/* here;
// the rewrite's `path` parameter is dropped before the proxy reads the query).
import { handleProxyRequest } from "dcs-tasks/proxy";

export const config = { runtime: "edge" };
const env = { ...process.env, PROXY_BASE_PATH: "/api/dcs", PROXY_IGNORE_QUERY: "path" };
export default (request) => handleProxyRequest(request, env);
