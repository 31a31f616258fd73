// The dcs-tasks proxy in a Next.js App Router route handler, mounted at /dcs (nodejs runtime).
import { handleProxyRequest } from "dcs-tasks/proxy";

const env = { ...process.env, PROXY_BASE_PATH: "/dcs" };
const handle = (request) => handleProxyRequest(request, env);
export { handle as GET, handle as HEAD, handle as DELETE, handle as OPTIONS };
