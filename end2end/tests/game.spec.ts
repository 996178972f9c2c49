// The game end to end: two browsers with different fake cameras (a laughing face and a straight
// face, cut from the golden images), a short "don't laugh" game on its own server, the results
// page with the highlight, and the same page after the server process was killed and restarted.
// Then privacy: /games lists the game only in the players' own browsers; the host publishes it
// to the public board, which a fresh browser then sees; the laugher deletes her picture.
import { chromium, expect, test, type Browser, type Page } from "@playwright/test";
import { chromiumArgs, fakeMediaArgs } from "../playwright.config";
import { facePath, type faces } from "../global-setup";
import { expectAccessible, join, open } from "./helpers";
import { dataDir, startServer, type Proc } from "./procs";

// Beside the suite's own server: E2E_PORT + 10.
const PORT = Number(process.env.E2E_PORT ?? 3107) + 10;
// One round of 8 s after a 1 s countdown: long enough for several laughs (300 ms hold, 2 s
// cool-down), short enough for CI.
const GAME = ["--game-countdown-secs", "1", "--laugh-round-secs", "8", "--laugh-rounds", "1"];
const room = () => `game${Date.now()}${Math.floor(Math.random() * 1e6)}`.padEnd(22, "x");

function launch(face: keyof typeof faces): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [...chromiumArgs, ...fakeMediaArgs, `--use-file-for-fake-video-capture=${facePath(face)}`],
  });
}

const scoreOf = (page: Page, name: string) =>
  page.locator(".scoreboard li", { hasText: name }).getByTestId("score");

let procs: Proc[] = [];
let browsers: Browser[] = [];
test.afterEach(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await Promise.all(procs.map((p) => p.stop()));
  procs = [];
  browsers = [];
});

test("don't laugh: the laughing face loses, its highlight is kept, and the results survive a crash", async () => {
  test.setTimeout(150_000);
  const data = dataDir();
  procs.push(await startServer(PORT, data, GAME));
  browsers = await Promise.all([launch("happy"), launch("neutral")]);
  // One context per player: each its own browser, with its own cookie.
  const [ca, cb] = await Promise.all(browsers.map((br) => br.newContext()));
  const [a, b] = await Promise.all([ca.newPage(), cb.newPage()]);
  // The face engine is a module of its own, fetched (with the weights) only once a player is Ready.
  const engineFetches: string[] = [];
  for (const context of [ca, cb]) {
    context.on("request", (r) => /straightface-engine\.|\/models\//.test(r.url()) && engineFetches.push(r.url()));
  }
  const url = `http://127.0.0.1:${PORT}/r/${room()}`;
  await join(a, url, "Ann");
  await join(b, url, "Bo");
  for (const page of [a, b]) {
    await expect(page.getByTestId("game-phase")).toHaveAttribute("data-phase", "lobby");
    await expect(page.getByTestId("score")).toHaveCount(2);
  }
  expect(engineFetches, "a call without a game fetches nothing of the engine").toEqual([]);

  await a.getByTestId("ready").click();
  await expect(a.getByTestId("ready")).toHaveAttribute("aria-pressed", "true");
  await b.getByTestId("ready").click();
  for (const page of [a, b]) await expect(page.getByTestId("game-phase")).toHaveAttribute("data-phase", /countdown|round/);
  // The readings reach the other side: Bo's page draws Ann's gauge from the server's relay, and
  // Ann's laughing face reads as happy.
  const annGauge = b.locator('[data-testid="remote-tile"]').getByTestId("gauge");
  await expect(annGauge).toHaveAttribute("data-face", "yes");
  await expect(annGauge.locator("[data-expression]")).toHaveAttribute("data-expression", "happy");
  // A laugh: Ann's tile flashes on Bo's screen, and "+10" rises on Bo's own tile.
  await Promise.all([
    expect(b.locator('[data-testid="remote-tile"]').getByTestId("tile-laughed")).toBeAttached({ timeout: 20_000 }),
    expect(b.getByTestId("own-tile").getByTestId("tile-points")).toHaveText(/^\+\d+$/, { timeout: 20_000 }),
  ]);
  expect(engineFetches.filter((u) => /straightface-engine\.[0-9a-f]+\.wasm/.test(u))).toHaveLength(2);
  for (const page of [a, b]) {
    await expect(page.getByTestId("game-phase")).toHaveAttribute("data-phase", "results", { timeout: 30_000 });
  }

  await a.screenshot({ path: "screenshots/game-results-room.png" });
  // Every laugh was Ann's, so every point is Bo's. The gauges are gone with the game.
  for (const page of [a, b]) {
    await expect(page.getByTestId("gauge")).toHaveCount(0);
    expect(Number(await scoreOf(page, "Bo").textContent())).toBeGreaterThanOrEqual(10);
    expect(Number(await scoreOf(page, "Ann").textContent())).toBe(0);
    await expect(page.getByTestId("game-results").locator("li").first()).toContainText("Bo");
    // The results come first in the panel, above Ready for the next game.
    const [podium, ready] = await Promise.all(["game-results", "ready"].map((id) => page.getByTestId(id).boundingBox()));
    expect(podium!.y).toBeLessThan(ready!.y);
  }

  const href = await a.getByTestId("game-link").getAttribute("href");
  expect(href).toMatch(/^\/games\/[A-Za-z0-9_-]{22}$/);
  // Ann's own browser (her cookie): the host, and the face in the picture.
  const results = await ca.newPage();
  const pageErrors: string[] = [];
  results.on("pageerror", (e) => pageErrors.push(e.message));
  const resultsUrl = `http://127.0.0.1:${PORT}${href}`;
  await results.goto(resultsUrl);
  const highlights = results.getByTestId("highlight");
  await expect.poll(async () => {
    await results.reload();
    return highlights.count();
  }, { message: "the highlight upload was saved" }).toBeGreaterThan(0);
  const decoded = () => highlights.first().evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0);
  await expect.poll(decoded).toBe(true);
  // The players are done with the call: leaving it stops both face engines, which otherwise
  // keep this 2-core machine busy while the results page compiles its WASM.
  await Promise.all([a.close(), b.close()]);
  await expect(results.locator("body[data-hydrated=true]"), "the results page hydrates").toBeAttached({ timeout: 30_000 });
  expect(pageErrors, "the results page throws nothing").toEqual([]);
  const board = await results.locator("table").first().innerText();
  expect(board).toContain("Bo");
  await expect(results.getByTestId("game-meta")).toContainText(/\b1 round$/);
  await results.screenshot({ path: "screenshots/results-en.png", fullPage: true });
  // The results page in both languages: nothing serious for axe-core, times in the viewer's zone.
  await expect(results.getByTestId("local-time")).not.toContainText("UTC");
  await expectAccessible(results, "results (en)");
  await ca.addCookies([{ name: "i18n_pref_locale", value: "ko", url: `http://127.0.0.1:${PORT}/` }]);
  await results.reload();
  await expect(results.locator("html")).toHaveAttribute("lang", "ko");
  await expectAccessible(results, "results (ko)");
  await ca.addCookies([{ name: "i18n_pref_locale", value: "en", url: `http://127.0.0.1:${PORT}/` }]);

  // A crash (SIGKILL) and a restart on the same data: the same results and images.
  await procs[0].stop("SIGKILL");
  procs = [await startServer(PORT, data, GAME)];
  await results.goto(resultsUrl);
  expect(await results.locator("table").first().innerText()).toBe(board);
  await expect(highlights).not.toHaveCount(0);
  await expect.poll(decoded).toBe(true);
  await open(results, `http://127.0.0.1:${PORT}/games`);
  await expect(results.getByTestId("my-games").getByTestId("history-game").first()).toContainText(/\b2 players$/);
  await expect(results.getByTestId("my-games").getByTestId("leaderboard")).toContainText("Bo");
  await expect(results.getByTestId("no-public-games")).toBeVisible();

  // Bo's browser lists it too, but may not publish it nor delete Ann's picture.
  const bo = await cb.newPage();
  await open(bo, `http://127.0.0.1:${PORT}/games`);
  await expect(bo.getByTestId("history-game")).toHaveCount(1);
  await open(bo, resultsUrl);
  await expect(bo.getByTestId("highlight").first()).toBeVisible();
  await expect(bo.getByTestId("publish")).toHaveCount(0);
  await expect(bo.getByTestId("delete-highlight")).toHaveCount(0);

  // A fresh browser (no cookie) sees no game at all on /games, yet the link still opens it.
  const stranger = await (await browsers[1].newContext()).newPage();
  await open(stranger, `http://127.0.0.1:${PORT}/games`);
  await expect(stranger.getByTestId("no-games")).toBeVisible();
  await expect(stranger.getByTestId("no-public-games")).toBeVisible();
  await expect(stranger.getByTestId("history-game")).toHaveCount(0);

  // Ann hosted: she publishes it, and the stranger finds it on the public board only.
  await open(results, resultsUrl);
  await expect(results.getByTestId("visibility")).toHaveAttribute("data-published", "false");
  await results.getByTestId("publish").click();
  await expect(results.getByTestId("visibility")).toHaveAttribute("data-published", "true");
  await open(stranger, `http://127.0.0.1:${PORT}/games`);
  await expect(stranger.getByTestId("public-board").getByTestId("history-game")).toHaveCount(1);
  await expect(stranger.getByTestId("my-games").getByTestId("history-game")).toHaveCount(0);

  // Ann deletes her picture: gone from the page, and its address answers 404.
  const src = await highlights.first().getAttribute("src");
  const count = await highlights.count();
  await results.getByTestId("delete-highlight").first().click();
  await expect(highlights).toHaveCount(count - 1);
  const gone = await stranger.request.get(`http://127.0.0.1:${PORT}${src}`);
  expect(gone.status()).toBe(404);
});
