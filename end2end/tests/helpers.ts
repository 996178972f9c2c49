import { expect, type Browser, type BrowserContext, type Locator, type Page } from "@playwright/test";

/** Opens `path` and waits until the WASM has hydrated the page (earlier clicks are lost). */
export async function open(page: Page, path: string) {
  await page.goto(path);
  await expect(page.locator("body[data-hydrated=true]")).toBeAttached();
}

/** Creates a room from the home page and returns its path `/r/<id>`. */
export async function newRoom(page: Page): Promise<string> {
  await open(page, "/");
  await page.getByTestId("new-room").click();
  await page.waitForURL(/\/r\/[A-Za-z0-9_-]{22}$/);
  return new URL(page.url()).pathname;
}

/** Opens the room, waits for the camera preview, types a name and joins. */
export async function join(page: Page, room: string, name: string, { waitForCamera = true } = {}) {
  await open(page, room);
  if (waitForCamera) await expectPlaying(page.getByTestId("local-video"));
  await page.getByTestId("name-input").fill(name);
  await page.getByTestId("join").click();
  await expect(page.getByTestId("leave")).toBeVisible();
}

/** A video element is showing a picture: it has a size and its frame count keeps rising. */
export async function expectPlaying(video: Locator) {
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth), { message: "videoWidth > 0" })
    .toBeGreaterThan(0);
  const frames = () =>
    video.evaluate((v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames);
  const before = await frames();
  await expect.poll(frames, { message: "frame count rising" }).toBeGreaterThan(before);
}

/** `n` pages, each in its own browser context (separate cookies, separate fake camera). */
export async function pages(browser: Browser, n: number): Promise<{ contexts: BrowserContext[]; pages: Page[] }> {
  const contexts = await Promise.all(Array.from({ length: n }, () => browser.newContext()));
  const list = await Promise.all(contexts.map((c) => c.newPage()));
  return { contexts, pages: list };
}

/** Remote peer id shown by `page` for every remote video, sorted. */
export async function remotePeers(page: Page): Promise<string[]> {
  const ids = await page.getByTestId("remote-video").evaluateAll((vs) => vs.map((v) => v.getAttribute("data-peer") ?? ""));
  return ids.sort();
}

/** axe-core finds no serious or critical WCAG 2.2 A/AA violation on the page as it is now. */
export async function expectAccessible(page: Page, what: string) {
  const { default: AxeBuilder } = await import("@axe-core/playwright");
  const result = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
    .analyze();
  const bad = result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
  expect(bad, `accessibility of ${what}`).toEqual([]);
}

/** Share of the viewport covered by the visible video tiles (their boxes clipped to it). */
export async function tileCoverage(page: Page): Promise<number> {
  return page.evaluate(() => {
    const vw = window.innerWidth, vh = window.innerHeight;
    let covered = 0;
    for (const el of document.querySelectorAll<HTMLElement>('[data-testid="own-tile"], [data-testid="remote-tile"]')) {
      const r = el.getBoundingClientRect();
      const w = Math.max(0, Math.min(r.right, vw) - Math.max(r.left, 0));
      const h = Math.max(0, Math.min(r.bottom, vh) - Math.max(r.top, 0));
      covered += w * h;
    }
    return covered / (vw * vh);
  });
}
