// Screen sharing with Chromium's fake capture (the fake-media flags make getDisplayMedia return a
// 1280x720 test screen, unlike the 640x480 camera): swapped onto the sender with replaceTrack.
// The screen is spotlighted on the others' stage, and full screen is one click away.
import { expect, test } from "@playwright/test";
import { expectPlaying, join, newRoom, pages } from "./helpers";

test("presenting swaps the screen in for the camera without renegotiation, and stopping swaps it back", async ({ browser }) => {
  const { contexts, pages: [a, b] } = await pages(browser, 2);
  const room = await newRoom(a);
  await join(a, room, "Ann");
  await join(b, room, "Bo");
  const annOnB = b.getByTestId("remote-tile");
  const video = b.getByTestId("remote-video");
  await expectPlaying(video);
  const width = () => video.evaluate((v: HTMLVideoElement) => v.videoWidth);
  const cameraWidth = await width();
  expect(cameraWidth).toBeLessThan(1280);
  // The same tile and element carry the share (no new stream appears).
  const videoCount = () => b.evaluate(() => document.querySelectorAll("video").length);
  const before = await videoCount();

  await a.getByTestId("share-screen").click();
  await expect(a.getByTestId("share-screen")).toHaveAttribute("aria-pressed", "true");
  await expect(annOnB).toHaveAttribute("data-screen", "on");
  await expect(annOnB.getByTestId("tile-screen")).toBeVisible();
  await expect.poll(width, { message: "the screen's frames arrive" }).toBe(1280);
  await expectPlaying(video);
  expect(await videoCount()).toBe(before);
  // Spotlighted for Bo: Ann's tile large, Bo's own in the strip.
  await expect(b.getByTestId("stage")).toHaveAttribute("data-view", "spotlight");
  const areas = async () => {
    const [shared, own] = await Promise.all([annOnB, b.getByTestId("own-tile")].map((t) =>
      t.evaluate((el) => el.getBoundingClientRect().width * el.getBoundingClientRect().height)));
    return shared / own;
  };
  await expect.poll(areas, { message: "the shared screen is the large tile" }).toBeGreaterThan(4);
  await annOnB.hover();
  await annOnB.getByTestId("full-screen").click();
  await expect.poll(() => b.evaluate(() => document.fullscreenElement?.getAttribute("data-testid"))).toBe("remote-tile");
  await b.evaluate(() => document.exitFullscreen());

  await a.keyboard.press("s");
  await expect(annOnB).toHaveAttribute("data-screen", "off");
  await expect(b.getByTestId("stage")).toHaveAttribute("data-view", "grid");
  await expect.poll(width, { message: "the camera is back" }).toBe(cameraWidth);
  await expectPlaying(video);
  await Promise.all(contexts.map((ctx) => ctx.close()));
});

test("a browser without getDisplayMedia (as on phones) gets a disabled Present button that says why", async ({ browser }) => {
  const context = await browser.newContext();
  // The API removed before any page script runs, as a phone browser has none.
  await context.addInitScript(() => { delete (MediaDevices.prototype as { getDisplayMedia?: unknown }).getDisplayMedia; });
  const page = await context.newPage();
  await join(page, await newRoom(page), "Ann");
  await expect(page.getByTestId("share-screen")).toBeDisabled();
  await expect(page.getByTestId("share-screen")).toHaveAttribute("title", "This browser cannot share a screen");
  // The other controls still work.
  await page.getByTestId("mute").click();
  await expect(page.getByTestId("mute")).toHaveAttribute("aria-pressed", "true");
  await context.close();
});
