// The face engine in both browsers (issue 15): opens /lab in Chromium (Playwright) and Firefox
// (puppeteer-core over BiDi), lets the worker read the fake camera for a while, and prints the
// lab's own frames per second and per-stage milliseconds from each. Both browsers' fake cameras
// show a test pattern, not a face, so this measures the engine's cost per frame, not what it
// reads. Usage: node bench/lab-browsers.mjs <baseURL> [seconds]
import { chromium } from "@playwright/test";
import puppeteer from "puppeteer-core";

const base = process.argv[2] ?? "http://127.0.0.1:3110";
const seconds = Number(process.argv[3] ?? 10);
const read = () => ({
  status: document.querySelector('[data-testid="lab-status"]')?.textContent,
  fps: document.querySelector('[data-testid="fps"]')?.textContent,
  stages: document.querySelector('[data-testid="stage-ms"]')?.textContent,
  faces: document.querySelector('[data-testid="face-count"]')?.textContent,
});
const sample = async (evaluate) => {
  const rows = [];
  for (let i = 0; i < seconds; i++) {
    await new Promise((r) => setTimeout(r, 1000)); // sampling interval of a measurement, not a test
    rows.push(await evaluate());
  }
  return rows;
};

const chrome = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--headless", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"],
});
const page = await chrome.newPage();
const errors = [];
await page.goto(`${base}/lab`);
await page.waitForSelector("body[data-hydrated=true]");
await page.waitForFunction(() => document.querySelector('[data-testid="stage-ms"]')?.textContent?.includes("detect"), null, { timeout: 60_000 });
const chromeRows = await sample(() => page.evaluate(read));
await chrome.close();

const firefox = await puppeteer.launch({
  browser: "firefox", executablePath: process.env.FIREFOX ?? "/usr/bin/firefox-esr", headless: true,
  extraPrefsFirefox: { "media.navigator.streams.fake": true, "media.navigator.permission.disabled": true },
});
const fox = await firefox.newPage();
fox.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
fox.on("pageerror", (e) => errors.push(String(e)));
await fox.goto(`${base}/lab`);
await fox.waitForSelector("body[data-hydrated=true]");
await fox.waitForFunction(() => document.querySelector('[data-testid="stage-ms"]')?.textContent?.includes("detect"), { timeout: 60_000 });
const foxRows = await sample(() => fox.evaluate(read));
await firefox.close();

for (const [name, rows] of [["Chromium", chromeRows], ["Firefox", foxRows]]) {
  console.log(`--- ${name}`);
  for (const row of rows) console.log(JSON.stringify(row));
}
console.log(`Firefox console errors: ${errors.length ? errors.join(" | ") : "none"}`);
