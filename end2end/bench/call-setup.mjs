// Call-setup benchmark: from the Join click on the second page to the first decoded remote
// frame on BOTH pages, two headless Chromium pages on loopback, fresh contexts every run.
// Usage: node bench/call-setup.mjs <baseURL> [runs]   (scripts/bench-call-setup runs it)
import { chromium } from "@playwright/test";

const base = process.argv[2] ?? "http://127.0.0.1:3108";
const runs = Number(process.argv[3] ?? 12);
const args = [
  "--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run",
  "--autoplay-policy=no-user-gesture-required",
  "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
];

// Records, in each page, the epoch time of the first frame presented by a remote video.
const firstFrameProbe = () => {
  window.__firstFrame = null;
  const watch = (v) => v.requestVideoFrameCallback((now) => {
    window.__firstFrame ??= performance.timeOrigin + now;
  });
  new MutationObserver(() => {
    for (const v of document.querySelectorAll('video[data-testid="remote-video"]')) {
      if (!v.__watched) { v.__watched = true; watch(v); }
    }
  }).observe(document, { subtree: true, childList: true });
};

async function ready(page, room, name) {
  await page.goto(`${base}/r/${room}`);
  await page.waitForSelector("body[data-hydrated=true]");
  await page.waitForFunction(() => document.querySelector('[data-testid="local-video"]')?.videoWidth > 0);
  await page.fill('[data-testid="name-input"]', name);
  await page.evaluate(firstFrameProbe);
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args });
const results = [];
for (let i = 0; i < runs; i++) {
  const room = `bench${Date.now()}x${i}`.padEnd(22, "0");
  const [ca, cb] = [await browser.newContext(), await browser.newContext()];
  const [a, b] = [await ca.newPage(), await cb.newPage()];
  await ready(a, room, "A");
  await a.click('[data-testid="join"]');
  await a.waitForSelector('[data-testid="leave"]');
  await ready(b, room, "B");
  const t0 = await b.evaluate(() => {
    const t = performance.timeOrigin + performance.now();
    document.querySelector('[data-testid="join"]').click();
    return t;
  });
  const first = async (p) => (await p.waitForFunction(() => window.__firstFrame, null, { timeout: 20000 })).jsonValue();
  const [fa, fb] = await Promise.all([first(a), first(b)]);
  const total = Math.max(fa, fb) - t0;
  results.push({ total, a: fa - t0, b: fb - t0 });
  console.log(`run ${String(i + 1).padStart(2)}: ${total.toFixed(0)} ms (first frame at A ${(fa - t0).toFixed(0)} ms, at B ${(fb - t0).toFixed(0)} ms)`);
  await ca.close();
  await cb.close();
}
await browser.close();

const sorted = results.map((r) => r.total).sort((x, y) => x - y);
const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1) + 0.5))];
const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]
  : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
console.log(`call setup (Join click → first remote frame on both pages), ${runs} runs: ` +
  `median ${median.toFixed(0)} ms, min ${sorted[0].toFixed(0)}, p90 ${q(0.9).toFixed(0)}, max ${sorted.at(-1).toFixed(0)} ms`);
