// Opens an ftl report in headless Chromium from a file URL and checks what a
// reader depends on: no console errors (a CSP violation is one), no network
// request of any kind, the timeline filter narrows the rows, the hostile
// strings of the fixture show as text and nothing in them runs. Takes a
// screenshot. Usage: node report_check.cjs REPORT.html SHOT.png [HOSTILE_TEXT]
// Needs playwright-core (NODE_PATH) and Debian's chromium (CHROMIUM).
"use strict";
const { chromium } = require("playwright-core");
const path = require("path");

async function main() {
  const [file, shot, hostile] = process.argv.slice(2);
  const url = "file://" + path.resolve(file);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu"],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = [], requests = [], dialogs = [];
  page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("request", (r) => { if (r.url() !== url) requests.push(r.url()); });
  page.on("dialog", async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  const t0 = Date.now();
  await page.goto(url);
  await page.waitForSelector("body[data-ready='1']", { timeout: 60000 });
  const loadMs = Date.now() - t0;
  const count = async () => page.$$eval("#timeline-body tr", (rows) => rows.length);
  const before = await count();
  const totalText = await page.textContent("#timeline-count");
  await page.fill("#f-text", "password_spray");
  await page.waitForFunction((n) => document.querySelectorAll("#timeline-body tr").length < n, before);
  const narrowed = await count();
  const narrowedText = await page.textContent("#timeline-count");
  await page.fill("#f-text", "");
  await page.selectOption("#f-category", "signin");
  await page.waitForTimeout(300);
  const signins = await page.$$eval("#timeline-body tr td:nth-child(2)", (tds) => tds.map((t) => t.textContent));
  // a session row opens its events (when the case has sessions)
  let sessionEvents = -1;
  if (await page.$("#sessions-body tr.session")) {
    await page.click("#sessions-body tr.session");
    sessionEvents = await page.$$eval("tr.session-events table tr", (rows) => rows.length);
  }
  let hostileShown = null, injected = 0;
  if (hostile) {
    await page.selectOption("#f-category", "");
    await page.fill("#f-text", hostile.slice(0, 12));
    await page.waitForTimeout(400);
    hostileShown = await page.evaluate((h) => document.body.innerText.includes(h), hostile);
    injected = await page.evaluate(() => document.querySelectorAll(
      "img, iframe, object, embed, script:not(#ftl-data):not(#ftl-app)").length);
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: shot, fullPage: false });
  await browser.close();
  const result = { loadMs, before, totalText, narrowed, narrowedText, signinOnly: signins.every((c) => c === "signin") && signins.length > 0,
                   sessionEvents, errors, requests, dialogs, hostileShown, injected };
  console.log(JSON.stringify(result));
  const bad = [];
  if (errors.length) bad.push("console errors: " + errors.join(" | "));
  if (requests.length) bad.push("network requests: " + requests.join(" "));
  if (dialogs.length) bad.push("dialogs opened (script ran): " + dialogs.join(" | "));
  // the filter checks need the bundled incident's events; the hostile case has others
  if (!hostile && !(before > 0 && narrowed > 0 && narrowed < before)) bad.push("the filter did not narrow the timeline");
  if (!hostile && !result.signinOnly) bad.push("the category filter let other categories through");
  if (sessionEvents === 0) bad.push("a session did not open its events");
  if (hostile && !hostileShown) bad.push("the hostile text is not shown literally");
  if (injected) bad.push(injected + " elements injected by evidence text");
  if (bad.length) { console.error(bad.join("\n")); process.exit(1); }
}
main().catch((e) => { console.error(e); process.exit(1); });
