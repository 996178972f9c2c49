// The call screen as people use it on a phone and a laptop: the controls never scroll away, the
// video fills the screen however many people there are, reactions and raised hands reach
// everyone, the invite link copies, and axe-core finds nothing serious in either language.
// Screenshots go to end2end/screenshots/ for a person to look at.
import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { expectAccessible, expectPlaying, join, newRoom, open, tileCoverage } from "./helpers";

const phone = { width: 390, height: 844 };
const laptop = { width: 1280, height: 800 };

async function people(browser: Browser, n: number, viewport = laptop): Promise<{ contexts: BrowserContext[]; pages: Page[] }> {
  const contexts = await Promise.all(Array.from({ length: n }, (_, i) => browser.newContext(i === 0 ? { viewport } : {})));
  return { contexts, pages: await Promise.all(contexts.map((c) => c.newPage())) };
}

/** The page is not scrolled and cannot be: everything is in the viewport. */
async function expectNoScroll(page: Page) {
  const extra = await page.evaluate(() => document.scrollingElement!.scrollHeight - window.innerHeight);
  expect(extra).toBeLessThanOrEqual(0);
}

test("on a phone in a three-person call, mute, camera and leave are on screen with the game panel, and with chat open", async ({ browser }) => {
  const { contexts, pages: [a, b, c] } = await people(browser, 3, phone);
  const room = await newRoom(a);
  for (const [page, name] of [[a, "Ann"], [b, "Bo Marie-Louise Vanderbilt-Featherstonehaugh"], [c, "Cy"]] as const) await join(page, room, name);
  await expect(a.getByTestId("remote-video")).toHaveCount(2);
  await a.getByTestId("game-toggle").click();
  await expect(a.getByTestId("side-panel")).toHaveAttribute("data-panel", "game");
  await expect(a.getByTestId("ready")).toBeVisible();
  for (const id of ["mute", "camera", "leave", "chat-toggle", "reactions-toggle"]) await expect(a.getByTestId(id)).toBeInViewport({ ratio: 1 });
  await expectNoScroll(a);
  await a.screenshot({ path: "screenshots/call-phone-game.png" });

  await a.getByTestId("chat-toggle").click();
  await expect(a.getByTestId("side-panel")).toHaveAttribute("data-panel", "chat");
  for (const id of ["mute", "camera", "leave", "chat-input"]) await expect(a.getByTestId(id)).toBeInViewport({ ratio: 1 });
  await expectNoScroll(a);
  // The tiles stay tiles, not thumbnails: two thirds of the screen's width at least.
  const widest = await a.getByTestId("remote-tile").evaluateAll((ts) => Math.max(...ts.map((t) => t.getBoundingClientRect().width)));
  expect(widest).toBeGreaterThan(phone.width / 3);
  await a.screenshot({ path: "screenshots/call-phone-chat.png" });

  // A long name stays on one line, cut with an ellipsis, on the others' tiles.
  const name = a.locator('[data-testid="remote-tile"] .name', { hasText: "Bo Marie" });
  await expect(name).toHaveCSS("text-overflow", "ellipsis");
  const { height, fontSize, clipped } = await name.evaluate((el) => ({
    height: el.getBoundingClientRect().height,
    fontSize: parseFloat(getComputedStyle(el).fontSize),
    clipped: el.scrollWidth > el.clientWidth,
  }));
  expect(height, "one line").toBeLessThan(2 * fontSize);
  expect(clipped, "cut, not wrapped").toBe(true);
  // The same screen in Korean: the bar still fits.
  await a.getByTestId("lang").selectOption("ko");
  await expect(a.getByTestId("leave")).toHaveAccessibleName("나가기");
  for (const id of ["mute", "camera", "leave"]) await expect(a.getByTestId(id)).toBeInViewport({ ratio: 1 });
  await expectNoScroll(a);
  await a.screenshot({ path: "screenshots/call-phone-chat-ko.png" });
  await Promise.all(contexts.map((ctx) => ctx.close()));
});

test("on a laptop the tiles cover most of the screen with 2, 3, 4 and 6 people, and a third of it with chat open", async ({ browser }) => {
  test.setTimeout(180_000);
  const { contexts, pages } = await people(browser, 6);
  const [a] = pages;
  const room = await newRoom(a);
  await join(a, room, "Ann");
  const order = ["Bo", "Cy", "Di", "Ed", "Flo"];
  for (const [i, page] of pages.slice(1).entries()) {
    await join(page, room, order[i]);
    const n = i + 2;
    if (n === 5) continue;
    await expect(a.getByTestId("remote-tile")).toHaveCount(n - 1);
    // Side panels closed: the stage has the width.
    if ((await a.getByTestId("side-panel").count()) > 0) await a.getByTestId("close-panel").click();
    const floor = n === 6 ? 0.5 : 0.55;
    await expect.poll(() => tileCoverage(a), { message: `${n} people, panels closed` }).toBeGreaterThanOrEqual(floor);
    await a.screenshot({ path: `screenshots/call-laptop-${n}.png` });
    await a.getByTestId("chat-toggle").click();
    await expect.poll(() => tileCoverage(a), { message: `${n} people, chat open` }).toBeGreaterThanOrEqual(0.35);
    await a.screenshot({ path: `screenshots/call-laptop-${n}-chat.png` });
    await a.getByTestId("chat-toggle").click();
  }
  // Every tile is inside the stage and none overlaps another.
  const boxes = await a.locator('[data-testid="own-tile"], [data-testid="remote-tile"]').evaluateAll((ts) =>
    ts.map((t) => t.getBoundingClientRect()).map((r) => ({ x: r.x, y: r.y, w: r.width, h: r.height })));
  for (const [i, p] of boxes.entries()) for (const q of boxes.slice(i + 1)) {
    const apart = p.x + p.w <= q.x + 1 || q.x + q.w <= p.x + 1 || p.y + p.h <= q.y + 1 || q.y + q.h <= p.y + 1;
    expect(apart, `${JSON.stringify(p)} and ${JSON.stringify(q)} overlap`).toBe(true);
  }
  // Pinning makes one tile large; unpinning goes back to the grid.
  const bo = a.locator('[data-testid="remote-tile"]').first();
  await bo.hover();
  await bo.getByTestId("pin").click();
  await expect(a.getByTestId("stage")).toHaveAttribute("data-view", "spotlight");
  await expect.poll(() => bo.evaluate((t) => t.getBoundingClientRect().width)).toBeGreaterThan(laptop.width * 0.55);
  await a.screenshot({ path: "screenshots/call-laptop-6-pinned.png" });
  await bo.getByTestId("pin").click();
  await expect(a.getByTestId("stage")).toHaveAttribute("data-view", "grid");
  await Promise.all(contexts.map((ctx) => ctx.close()));
});

test("a reaction floats over the sender's tile for both others; a raised hand shows on the tile and in the list", async ({ browser }) => {
  const { contexts, pages: [a, b, c] } = await people(browser, 3);
  const room = await newRoom(a);
  await join(a, room, "Ann");
  await join(b, room, "Bo");
  await join(c, room, "Cy");
  for (const page of [b, c]) await expect(page.getByTestId("remote-tile")).toHaveCount(2);
  const annOn = (page: Page) => page.locator('[data-testid="remote-tile"]', { hasText: "Ann" });

  await a.getByTestId("reactions-toggle").click();
  await a.getByTestId("react-joy").click();
  await expect(a.getByTestId("own-tile").locator('[data-testid="reaction"][data-reaction="joy"]')).toHaveCount(1);
  for (const page of [b, c]) {
    await expect(annOn(page).locator('[data-testid="reaction"][data-reaction="joy"]')).toHaveCount(1);
    await expect(annOn(page).getByTestId("reaction")).toHaveAccessibleName("Tears of joy");
  }
  await b.screenshot({ path: "screenshots/call-reaction.png" });

  await a.getByTestId("raise-hand").click();
  await expect(a.getByTestId("raise-hand")).toHaveAttribute("aria-pressed", "true");
  for (const page of [b, c]) await expect(annOn(page).getByTestId("tile-hand")).toBeVisible();
  await c.getByTestId("people-toggle").click();
  const annInList = c.getByTestId("person").filter({ hasText: "Ann" });
  await expect(annInList).toHaveAttribute("data-hand", "true");
  await expect(annInList.getByTestId("person-hand")).toHaveAccessibleName("Hand raised");
  await expect(c.getByTestId("person")).toHaveCount(3);
  await c.screenshot({ path: "screenshots/call-people.png" });
  // A newcomer sees the hand that is already up.
  const { contexts: [dc], pages: [d] } = await people(browser, 1);
  await join(d, room, "Di");
  await expect(annOn(d).getByTestId("tile-hand")).toBeVisible();
  await a.getByTestId("raise-hand").click();
  await expect(annInList).toHaveAttribute("data-hand", "false");
  await expect(annOn(d).getByTestId("tile-hand")).toHaveCount(0);
  // Speaker view: someone else large (whoever spoke last), and back to the grid.
  await a.getByTestId("settings-toggle").click();
  await a.getByTestId("layout-speaker").check();
  await a.getByTestId("settings-close").click();
  await expect(a.getByTestId("stage")).toHaveAttribute("data-view", "spotlight");
  const widest = await a.getByTestId("remote-tile").evaluateAll((ts) => Math.max(...ts.map((t) => t.getBoundingClientRect().width)));
  const own = await a.getByTestId("own-tile").evaluate((t) => t.getBoundingClientRect().width);
  expect(widest).toBeGreaterThan(2 * own);
  await Promise.all([...contexts, dc].map((ctx) => ctx.close()));
});

test("the invite link is copied with a confirmation; alone, the stage says so", async ({ browser, baseURL }) => {
  const context = await browser.newContext({ permissions: ["clipboard-read", "clipboard-write"] });
  const page = await context.newPage();
  const room = await newRoom(page);
  await join(page, room, "Ann");
  await expect(page.getByTestId("alone")).toBeVisible();
  // The camera's own shape (Chromium's fake camera is 4:3), not cropped to 16:9 for the face reader.
  const shape = () => page.getByTestId("local-video").evaluate((v: HTMLVideoElement) => v.videoWidth / v.videoHeight);
  await expect.poll(shape, { message: "the own tile's video has its size" }).toBeCloseTo(4 / 3, 2);
  await page.getByTestId("alone").getByTestId("copy-invite").click();
  await expect(page.getByTestId("alone").getByTestId("copy-status")).toHaveText("Link copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${baseURL}${room}`);
  // Camera off: initials instead of a black box, and the mute icon on our own tile.
  await page.getByTestId("camera").click();
  await expect(page.getByTestId("own-camera-off")).toContainText("A");
  await page.getByTestId("mute").click();
  await expect(page.getByTestId("own-muted")).toBeVisible();
  await context.close();
});

for (const lang of ["en", "ko"] as const) {
  test(`axe-core finds no serious violation on the home page, pre-join, a call with chat open and /games (${lang})`, async ({ browser, baseURL }) => {
    const contexts = await Promise.all([0, 1].map(() => browser.newContext({ locale: lang === "ko" ? "ko-KR" : "en-US" })));
    for (const ctx of contexts) await ctx.addCookies([{ name: "i18n_pref_locale", value: lang, url: baseURL! }]);
    const [a, b] = await Promise.all(contexts.map((c) => c.newPage()));
    await open(a, "/");
    await expect(a.locator("html")).toHaveAttribute("lang", lang);
    await expectAccessible(a, `home (${lang})`);
    const room = await newRoom(a);
    await expectPlaying(a.getByTestId("local-video"));
    await expectAccessible(a, `pre-join (${lang})`);
    await a.screenshot({ path: `screenshots/prejoin-${lang}.png` });
    await join(a, room, "Ann");
    await join(b, room, "Bo");
    await expectPlaying(a.getByTestId("remote-video"));
    await a.getByTestId("chat-toggle").click();
    await a.getByTestId("chat-input").fill("hi");
    await a.getByTestId("chat-send").click();
    await expectAccessible(a, `call with chat open (${lang})`);
    await a.getByTestId("settings-toggle").click();
    await expectAccessible(a, `settings (${lang})`);
    await a.screenshot({ path: `screenshots/settings-${lang}.png` });
    await a.getByTestId("settings-close").click();
    await a.getByTestId("people-toggle").click();
    await expectAccessible(a, `people (${lang})`);
    await open(b, "/games");
    await expectAccessible(b, `/games (${lang})`);
    // The light theme too, remembered on the next page.
    await a.getByTestId("theme").click();
    await expect(a.locator("html")).toHaveAttribute("data-theme", /light|dark/);
    const theme = await a.locator("html").getAttribute("data-theme");
    await expectAccessible(a, `call in the ${theme} theme (${lang})`);
    await a.screenshot({ path: `screenshots/call-${theme}-${lang}.png` });
    await open(a, "/");
    await expect(a.locator("html")).toHaveAttribute("data-theme", theme!);
    await expectAccessible(a, `home in the ${theme} theme (${lang})`);
    await Promise.all(contexts.map((ctx) => ctx.close()));
  });
}
