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
