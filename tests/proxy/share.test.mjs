// Identical upstream reads shared between the proxy's callers (issue 33: "twenty operators with
// the fleet open must not mean twenty fan-outs"). Twenty DcsClients list the whole fleet through
// the proxy (real workerd), as twenty fleet views on the same range: all at once (reads in flight
// joined), then one after another (within UPSTREAM_SHARE_MS: a minute here, so that a slow
// machine cannot make the window pass); with UPSTREAM_SHARE_MS=0 (off) each view is a fan-out of
// its own. The upstream calls per minute are printed for each. In Node, two handlers with
// different credentials in one process never share: a read with a wrong SK fails upstream even
// right after the same read succeeded with the right one.
import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { DcsClient } from "../../pkg/index.js";
import { handleProxyRequest } from "../../pkg/proxy-node.js";
import { startMock } from "../mock-dcs/server.mjs";
import { PROJECT, DEFAULT_CREDENTIALS, closeAll, stack, close, mockStats } from "./helpers.mjs";

after(closeAll);
const OPERATORS = 20;

/** One fleet view: the instances listed with their tasks. */
async function fleetView(s, startTime) {
  const client = new DcsClient({ endpoint: s.url, projectId: PROJECT, retries: 0 });
  let n = 0;
  for await (const e of client.listFleetTasks({ startTime })) n += e.error ? 0 : 1;
  client.free();
  return n;
}

/** Twenty fleet views, at once or one after another: the upstream calls they cost, per minute too. */
async function twentyFleets(s, { together }) {
  const before = (await mockStats(s)).total;
  const startTime = new Date(Date.now() - 86_400_000);
  startTime.setUTCSeconds(0, 0); // one range for all (the views' start is on a minute)
  const t0 = performance.now();
  const views = Array.from({ length: OPERATORS }, () => () => fleetView(s, startTime));
  const counts = [];
  if (together) counts.push(...await Promise.all(views.map((v) => v())));
  else for (const v of views) counts.push(await v());
  const ms = performance.now() - t0;
  const calls = (await mockStats(s)).total - before;
  return { counts, calls, perMinute: Math.round((calls / Math.max(ms, 1)) * 60_000), ms: Math.round(ms) };
}

const show = (r) => `${r.calls} (${r.perMinute}/min over ${r.ms} ms)`;

describe("shared upstream reads (workerd)", () => {
  test("twenty fleet views: one fan-out upstream, at once or within the window; twenty with sharing off", async () => {
    const shared = await stack({ env: { UPSTREAM_SHARE_MS: "60000" } });
    const together = await twentyFleets(shared, { together: true });
    const after = await twentyFleets(shared, { together: false });
    await close(shared);
    const solo = await stack({ env: { UPSTREAM_SHARE_MS: "0" } });
    const soloTogether = await twentyFleets(solo, { together: true });
    const soloAfter = await twentyFleets(solo, { together: false });
    await close(solo);
    console.log(`upstream calls for ${OPERATORS} fleet views of 36 instances: at once ${show(together)} `
      + `(UPSTREAM_SHARE_MS=0: ${show(soloTogether)}); one after another ${show(after)} (UPSTREAM_SHARE_MS=0: ${show(soloAfter)})`);
    // Every view saw the whole fleet (35 listed; one instance's listing always fails).
    for (const r of [together, after, soloTogether, soloAfter]) for (const c of r.counts) assert.equal(c, 35);
    // One fan-out is the instance page and 36 task listings; the failing one is never kept.
    const fanOut = 37;
    assert.ok(together.calls <= fanOut + 3, `at once: ${together.calls}`);
    assert.ok(soloTogether.calls >= OPERATORS * fanOut, `at once, not shared: ${soloTogether.calls}`);
    // Within the window the second round is answered from the shared reads but for the failing
    // instance's listing (an error is never kept): one upstream call a view.
    assert.ok(after.calls <= OPERATORS + fanOut, `one after another, shared: ${after.calls}`);
    assert.ok(soloAfter.calls >= OPERATORS * fanOut, `one after another, not shared: ${soloAfter.calls}`);
  });
});

describe("shared reads never cross access (Node)", () => {
  test("a wrong SK right after the right one still fails upstream", async () => {
    const mock = await startMock({ port: 0 });
    try {
      const [{ ak, sk }] = DEFAULT_CREDENTIALS;
      const env = (secret) => ({ HUAWEICLOUD_SDK_AK: ak, HUAWEICLOUD_SDK_SK: secret, HUAWEICLOUD_SDK_PROJECT_ID: PROJECT,
        DCS_ENDPOINT: mock.url, TRUST_LOOPBACK: "true" });
      const url = `http://127.0.0.1/v2/${PROJECT}/instances?limit=5`;
      const ok = await handleProxyRequest(new Request(url), env(sk));
      assert.equal(ok.status, 200, await ok.clone().text());
      const wrong = await handleProxyRequest(new Request(url), env(`${sk.slice(0, -1)}X`));
      assert.notEqual(wrong.status, 200, "the other credentials' answer was not shared");
      // The right credentials again, within the window: shared (no new upstream call).
      const calls = mock.stats.total;
      const again = await handleProxyRequest(new Request(url), env(sk));
      assert.equal(again.status, 200);
      assert.equal(mock.stats.total, calls, "answered from the shared read");
    } finally {
      await mock.close();
    }
  });
});
