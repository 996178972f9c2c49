// First-visit benchmark (issue 14): an invite link `/r/{room}` opened in a fresh Chromium context,
// until the Join button is usable (page hydrated, button enabled). Reports, per run, the bytes
// that crossed the wire (Chromium's encodedDataLength: headers + body as sent, so compression
// counts), the requests, and the time, both without throttling and under Chromium's network
// emulation at 10 Mbit/s with 40 ms latency; then a second visit in the same context (warm cache)
// under the same emulation. The call screen is a module of its own that the page fetches once it
// works: its size, and when it was in, are reported apart. Then, in the throttled visit, the person joins and presses Ready: the
// time until the face engine's module and the four model files have arrived, and until the first
// reading of the face leaves for the server (the countdown, once a second player is ready, is
// 3 s). Also checks that nothing of the engine was fetched before Ready. Median and spread
// (min–max) of all runs at the end.
// Usage: node bench/first-visit.mjs <baseURL> [runs]   (scripts/bench-first-visit runs it)
import { chromium } from "@playwright/test";

const base = process.argv[2] ?? "http://127.0.0.1:3109";
const runs = Number(process.argv[3] ?? 5);
const args = [
  "--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run",
  "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
];
const EMULATED = { offline: false, latency: 40, downloadThroughput: 10e6 / 8, uploadThroughput: 10e6 / 8 };

/** Opens `url` in `page`; resolves when Join is usable, with bytes, requests and ms; then waits
 * for the call screen's module (fetched once the page works) and adds when it was in and its
 * bytes (`screen`: null on a warm visit, where it comes from the cache). */
async function visit(page, cdp, url) {
  let bytes = 0, requests = 0, counting = true, screen = null;
  let t0 = Date.now();
  const urls = new Map();
  const sent = (e) => urls.set(e.requestId, e.request.url);
  const done = (e) => {
    if (counting) {
      bytes += e.encodedDataLength;
      requests += 1;
    }
    if (/\/split_in_call\./.test(urls.get(e.requestId) ?? "")) screen = { ms: Date.now() - t0, bytes: e.encodedDataLength };
  };
  cdp.on("Network.requestWillBeSent", sent);
  cdp.on("Network.loadingFinished", done);
  t0 = Date.now();
  await page.goto(url, { waitUntil: "commit" });
  await page.waitForSelector('body[data-hydrated=true] [data-testid="join"]:not([disabled])', { timeout: 60_000 });
  const ms = Date.now() - t0;
  // Requests still in flight when Join became usable are not part of the first visit.
  counting = false;
  const deadline = Date.now() + 5_000;
  while (screen === null && Date.now() < deadline) await page.waitForTimeout(20);
  cdp.off("Network.loadingFinished", done);
  cdp.off("Network.requestWillBeSent", sent);
  return { bytes, requests, ms, screen };
}

/** Joins, checks that no engine byte came so far, presses Ready; ms until the engine module and
 * weights are in, and until the first reading is sent. */
async function ready(page, cdp) {
  const engine = (url) => /straightface-engine\.|\/models\//.test(url);
  const before = [];
  const early = (r) => engine(r.url()) && before.push(r.url());
  page.context().on("request", early);
  const done = [];
  const finished = (r) => engine(r.url()) && done.push({ at: Date.now(), url: r.url() });
  page.context().on("requestfinished", finished);
  let reading = null;
  cdp.on("Network.webSocketFrameSent", (e) => {
    if (reading === null && e.response.payloadData.includes('"type":"reading"')) reading = Date.now();
  });
  await page.click('[data-testid="join"]');
  await page.waitForSelector('[data-testid="ready"]:not([disabled])', { timeout: 30_000 });
  page.context().off("request", early);
  if (before.length) throw new Error(`engine fetched before Ready: ${before}`);
  const t0 = Date.now();
  await page.click('[data-testid="ready"]');
  while (reading === null || done.length < 6) {
    if (Date.now() - t0 > 30_000) throw new Error(`no engine after 30 s: ${done.map((d) => d.url)}, reading ${reading}`);
    await page.waitForTimeout(20);
  }
  page.context().off("requestfinished", finished);
  return { engine: Math.max(...done.map((d) => d.at)) - t0, reading: reading - t0 };
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args });
const rows = [];
for (let i = 0; i < runs; i++) {
  const room = `firstvisit${Date.now()}x${i}`.padEnd(22, "0").slice(0, 22);
  const url = `${base}/r/${room}`;
  const row = {};
  for (const [label, emulate] of [["fast", null], ["10mbit", EMULATED]]) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    if (emulate) await cdp.send("Network.emulateNetworkConditions", emulate);
    row[label] = await visit(page, cdp, url);
    if (emulate) row.ready = await ready(page, cdp);
    if (emulate) {
      const second = await context.newPage();
      const cdp2 = await context.newCDPSession(second);
      await cdp2.send("Network.enable");
      await cdp2.send("Network.emulateNetworkConditions", emulate);
      row.warm = await visit(second, cdp2, url);
    }
    await context.close();
  }
  rows.push(row);
  const f = (v) => `${(v.bytes / 1024).toFixed(0)} KiB in ${v.requests} requests, ${v.ms} ms`;
  const s = row["10mbit"].screen;
  console.log(`run ${i + 1}: first visit ${f(row.fast)}; at 10 Mbit/s ${f(row["10mbit"])}, call screen ` +
    `${s ? `${(s.bytes / 1024).toFixed(0)} KiB in at ${s.ms} ms` : "not fetched"}; second visit ${f(row.warm)}; ` +
    `Ready → engine ${row.ready.engine} ms, first reading ${row.ready.reading} ms`);
}
await browser.close();

const stat = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
};
const show = (name, xs, unit, scale = 1) => {
  const { median, min, max } = stat(xs.map((x) => x / scale));
  console.log(`${name}: median ${median.toFixed(0)} ${unit} (min ${min.toFixed(0)}, max ${max.toFixed(0)})`);
};
console.log(`--- ${runs} runs`);
// On loopback the call screen's module (fetched once the page works) often lands before the
// check for a usable Join returns, so its bytes count there; at 10 Mbit/s they do not.
show("first visit at 10 Mbit/s, bytes on the wire until Join is usable", rows.map((r) => r["10mbit"].bytes), "KiB", 1024);
show("first visit on loopback, bytes on the wire (may include the call screen)", rows.map((r) => r.fast.bytes), "KiB", 1024);
show("first visit, time to a usable Join (loopback)", rows.map((r) => r.fast.ms), "ms");
show("first visit at 10 Mbit/s, 40 ms: time to a usable Join", rows.map((r) => r["10mbit"].ms), "ms");
show("call screen module (fetched after Join is usable), bytes", rows.map((r) => r["10mbit"].screen?.bytes ?? NaN), "KiB", 1024);
show("at 10 Mbit/s, 40 ms: link opened → call screen module in", rows.map((r) => r["10mbit"].screen?.ms ?? NaN), "ms");
show("second visit at 10 Mbit/s, 40 ms: time to a usable Join", rows.map((r) => r.warm.ms), "ms");
show("second visit, bytes on the wire", rows.map((r) => r.warm.bytes), "KiB", 1024);
show("at 10 Mbit/s, 40 ms: Ready pressed → engine module and weights in", rows.map((r) => r.ready.engine), "ms");
show("at 10 Mbit/s, 40 ms: Ready pressed → first reading sent", rows.map((r) => r.ready.reading), "ms");
