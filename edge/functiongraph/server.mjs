// The dcs-tasks proxy as a Huawei Cloud FunctionGraph HTTP function: `bootstrap` starts this
// server, which must listen on port 8000 on every interface. The function's environment
// variables are the proxy's configuration (edge/README.md); set PROXY_BASE_PATH to the path of
// the API Gateway trigger (e.g. /dcs) when the API is not at the root.
import { serve } from "@hono/node-server";
import { handleProxyRequest } from "dcs-tasks/proxy";

const port = Number(process.env.PORT ?? 8000);
serve({ fetch: (request) => handleProxyRequest(request, process.env), hostname: "0.0.0.0", port }, () =>
  console.log(`dcs-tasks proxy listening on port ${port}`),
);
