// The README's fleet screenshots, taken in the headless Chromium of the page tests against the
// demo's data (the mock DCS anchored at now, in a process of its own, behind the edge proxy):
//   docs/screenshot-fleet.png        the fleet at 1366 x 900: the attention list on the first screen
//   docs/screenshot-fleet-phone.png  the fleet on a 390 x 844 phone
//   docs/screenshot-fleet-stale.png  the upstream stopped: the data kept, the stale banner
// `make pkg` first; then `node scripts/screenshots.mjs`.
import { join } from "node:path";
import { launchBrowser, openPage, root, startStackWithUpstream } from "../tests/page/stack.mjs";

const ready = (page, state = "ready") => page.waitForFunction((s) => document.getElementById("fleet")?.dataset.state === s, state, { timeout: 60_000 });
const out = (name) => join(root, "docs", `screenshot-${name}.png`);

async function shoot(browser, url, { viewport, name, before }) {
  const { page, context } = await openPage(browser, { viewport });
  await page.goto(url);
  await ready(page);
  if (before) await before(page);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: out(name) });
  await context.close();
  console.log(`screenshots: ${out(name)}`);
}

const stack = await startStackWithUpstream();
const browser = await launchBrowser();
try {
  const url = new URL("/?view=fleet&lang=en", stack.url).href;
  await shoot(browser, url, { viewport: { width: 1366, height: 900 }, name: "fleet" });
  await shoot(browser, url, { viewport: { width: 390, height: 844 }, name: "fleet-phone" });
  await shoot(browser, url, {
    viewport: { width: 1366, height: 900 }, name: "fleet-stale",
    before: async (page) => {
      await page.evaluate(() => document.getElementById("fleet").setAttribute("refresh-interval", "2"));
      await stack.stopUpstream();
      await ready(page, "stale");
    },
  });
} finally {
  await browser.close();
  await stack.close();
}
