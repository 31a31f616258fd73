// The dcs-tasks proxy in a Next.js App Router route handler, mounted at /dcs (nodejs runtime).
import { handleProxyRequest } from "dcs-tasks/proxy";

const env = { ...process.env, PROXY_BASE_PATH: "/dcs" };
const handle = (request) => handleProxyRequest(request, env);
// Every method Next routes, so that the proxy answers them all (405 as the proxy words it).
export { handle as GET, handle as HEAD, handle as POST, handle as PUT, handle as DELETE, handle as PATCH, handle as OPTIONS };
