// The room from a 390x844 phone to a 1920x1080 desktop: nothing overflows sideways, every control
// can be reached, and screenshots are saved (end2end/screenshots/) for a person to look at.
import { expect, test } from "@playwright/test";
import { expectPlaying, join, newRoom } from "./helpers";

for (const [label, viewport] of [["phone", { width: 390, height: 844 }], ["desktop", { width: 1920, height: 1080 }]] as const) {
  test(`the room works at ${viewport.width}x${viewport.height} (${label})`, async ({ browser }) => {
    const contexts = await Promise.all([0, 1, 2].map(() => browser.newContext({ viewport })));
    const [a, b, c] = await Promise.all(contexts.map((ctx) => ctx.newPage()));
    const room = await newRoom(a);
    await join(a, room, "Ann");
    await join(b, room, "Bo");
    await join(c, room, "Cy");
    await expect(a.getByTestId("remote-video")).toHaveCount(2);
    for (const video of await a.getByTestId("remote-video").all()) await expectPlaying(video);
    // The game panel (open by default on a wide screen) holds Ready.
    if ((await a.getByTestId("game-toggle").getAttribute("aria-pressed")) !== "true") await a.getByTestId("game-toggle").click();
    await expect(a.getByTestId("ready")).toBeInViewport();
    await a.getByTestId("chat-toggle").click();
    const overflow = await a.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    for (const id of ["mute", "camera", "share-screen", "chat-toggle", "people-toggle", "settings-toggle", "leave", "chat-input"]) {
      const control = a.getByTestId(id);
      await control.scrollIntoViewIfNeeded();
      await expect(control).toBeInViewport();
      await expect(control, `${id} has an accessible name`).toHaveAccessibleName(/\S/);
    }
    await a.evaluate(() => window.scrollTo(0, 0));
    await a.screenshot({ path: `screenshots/room-${label}.png`, fullPage: true });
    await Promise.all(contexts.map((ctx) => ctx.close()));
  });
}
