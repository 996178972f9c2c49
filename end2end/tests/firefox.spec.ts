// Calls between browsers: a Chromium person (Playwright) and a Firefox person (Debian's
// firefox-esr, driven by puppeteer-core over WebDriver BiDi, since Playwright drives only its own
// patched Firefox builds) in one room, in both orders of joining; files and mute both ways; and a
// three-person call with two Chromiums and one Firefox; the server killed and restarted under a
// mixed call, and an ICE restart between them through a real coturn that goes away and comes back.
// Firefox's fake camera and microphone come from its own prefs.
import { expect, test } from "@playwright/test";
import puppeteer, { type Browser as Firefox, type ElementHandle, type Page as FirefoxPage } from "puppeteer-core";
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join as join_ } from "node:path";
import { expectPlaying, join, newRoom } from "./helpers";
import { dataDir, startServer, startTurn, type Proc } from "./procs";

const FIREFOX = process.env.FIREFOX ?? "/usr/bin/firefox-esr";

/** Firefox, with downloads saved straight into `downloads` when given. */
function launchFirefox(downloads?: string): Promise<Firefox> {
  try {
    execFileSync("sh", ["-c", `command -v ${FIREFOX}`]);
  } catch {
    throw new Error(`${FIREFOX} is not installed: run scripts/setup (it installs Debian's firefox-esr)`);
  }
  return puppeteer.launch({
    browser: "firefox",
    executablePath: FIREFOX,
    headless: true,
    extraPrefsFirefox: {
      "media.navigator.streams.fake": true,
      "media.navigator.permission.disabled": true,
      "media.autoplay.default": 0,
      "media.autoplay.blocking_policy": 0,
      // Our TURN server in the tests listens on 127.0.0.1, which Firefox leaves out of ICE
      // unless told otherwise (a real deployment's relay is never on loopback).
      "media.peerconnection.ice.loopback": true,
      ...(downloads ? {
        "browser.download.dir": downloads, "browser.download.folderList": 2,
        "browser.download.useDownloadDir": true, "browser.download.always_ask_before_handling_new_types": false,
        "browser.download.start_downloads_in_tmp_dir": false,
      } : {}),
    },
  });
}

/** In Firefox: opens the room, waits for hydration and the camera, and joins as `name`. */
async function joinInFirefox(page: FirefoxPage, url: string, name: string) {
  await page.goto(url);
  await page.waitForSelector("body[data-hydrated=true]");
  await page.waitForFunction(() =>
    (document.querySelector('[data-testid="local-video"]') as HTMLVideoElement | null)?.videoWidth);
  await page.locator('[data-testid="name-input"]').fill(name);
  await page.locator('[data-testid="join"]').click();
  await page.waitForSelector('[data-testid="leave"]', { visible: true });
}

/** In Firefox: the one remote video shows a moving picture: two frames drawn to a canvas half a
 * second apart have pixels, and differ (Chromium's fake camera animates). Headless Firefox
 * paints nothing, so its frame counters (`getVideoPlaybackQuality()`, `mozDecodedFrames`) stay at
 * 0 for a stream; a drawn frame proves the video was decoded. */
async function remotePlayingInFirefox(page: FirefoxPage, index = 0) {
  await page.waitForFunction((i: number) =>
    (document.querySelectorAll('[data-testid="remote-video"]')[i] as HTMLVideoElement | undefined)?.videoWidth, {}, index);
  const snapshot = () => page.evaluate((i: number) => {
    const v = document.querySelectorAll('[data-testid="remote-video"]')[i] as HTMLVideoElement;
    const canvas = document.createElement("canvas");
    [canvas.width, canvas.height] = [64, 48];
    const g = canvas.getContext("2d")!;
    g.drawImage(v, 0, 0, 64, 48);
    return Array.from(g.getImageData(0, 0, 64, 48).data);
  }, index);
  const lit = (px: number[]) => px.some((value, i) => i % 4 !== 3 && value > 16);
  let previous = await snapshot();
  await expect.poll(async () => {
    const now = await snapshot();
    const moving = lit(previous) && lit(now) && now.some((value, i) => value !== previous[i]);
    previous = now;
    return moving;
  }, { message: "Firefox draws a moving remote picture" }).toBe(true);
}

const sha = (buf: Buffer) => createHash("sha256").update(buf).digest("hex");

/** The kinds and states of the remote stream's tracks, e.g. ["audio:live", "video:live"]. */
const remoteTracks = () => {
  const v = document.querySelector('[data-testid="remote-video"]') as HTMLVideoElement;
  return (v.srcObject as MediaStream).getTracks().map((t) => `${t.kind}:${t.readyState}`).sort();
};

for (const firefoxFirst of [false, true]) {
  const order = firefoxFirst ? "Firefox joins first" : "Chromium joins first";
  test(`Chromium and Firefox in one call (${order}): video and audio both ways, chat both ways, leave seen`, async ({ browser, baseURL }) => {
    const firefox = await launchFirefox();
    const context = await browser.newContext();
    try {
      const chrome = await context.newPage();
      const room = await newRoom(chrome);
      const fox = await firefox.newPage();
      const foxErrors: string[] = [];
      fox.on("console", (m) => { if (m.type() === "error") foxErrors.push(m.text()); });
      fox.on("pageerror", (e) => foxErrors.push(String(e)));
      if (firefoxFirst) {
        await joinInFirefox(fox, new URL(room, baseURL).href, "Fox");
        await join(chrome, room, "Chro");
      } else {
        await join(chrome, room, "Chro");
        await joinInFirefox(fox, new URL(room, baseURL).href, "Fox");
      }

      // Video decoded both ways, audio tracks live both ways, names on the tiles.
      await expect(chrome.getByTestId("remote-video")).toHaveCount(1);
      await expectPlaying(chrome.getByTestId("remote-video"));
      await expect(chrome.getByTestId("remote-tile")).toContainText("Fox");
      await remotePlayingInFirefox(fox);
      await fox.waitForFunction(() => document.querySelector('[data-testid="remote-tile"]')?.textContent?.includes("Chro"));
      expect(await chrome.getByTestId("remote-video").evaluate(remoteTracks)).toEqual(["audio:live", "video:live"]);
      expect(await fox.evaluate(remoteTracks)).toEqual(["audio:live", "video:live"]);
      // Speaker choice is offered only where the browser lists outputs and can route to them.
      const speaker = await fox.evaluate(async () => ({
        menu: !!document.querySelector('[data-testid="speaker-select"]'),
        setSinkId: "setSinkId" in HTMLMediaElement.prototype,
        outputs: (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === "audiooutput").length,
      }));
      console.log(`Firefox speaker choice: ${JSON.stringify(speaker)}`);
      expect(speaker.menu).toBe(speaker.setSinkId && speaker.outputs > 0);

      // Chat over the data channel, Chromium → Firefox and back.
      await chrome.getByTestId("chat-toggle").click();
      await chrome.getByTestId("chat-input").fill("hello from Chromium 안녕");
      await chrome.getByTestId("chat-send").click();
      await fox.locator('[data-testid="chat-toggle"]').click();
      await fox.waitForFunction(() => [...document.querySelectorAll('[data-testid="chat-message"]')]
        .some((m) => m.textContent?.includes("hello from Chromium 안녕") && m.textContent.includes("Chro")));
      await fox.locator('[data-testid="chat-input"]').fill("hi from Firefox");
      await fox.locator('[data-testid="chat-send"]').click();
      await expect(chrome.getByTestId("chat-message").last()).toContainText("hi from Firefox");
      await expect(chrome.getByTestId("chat-message").last()).toContainText("Fox");

      // Firefox leaves with the button: its tile goes on the Chromium side.
      await fox.locator('[data-testid="leave"]').click();
      await expect(chrome.getByTestId("remote-video")).toHaveCount(0);
      expect(foxErrors, "no errors in Firefox's console").toEqual([]);
    } finally {
      await context.close();
      await firefox.close();
    }
  });
}

/** The file `name` in `dir` once `size` bytes are there and Firefox's `.part` file is gone
 * (Firefox creates the file empty first). */
async function downloaded(dir: string, name: string, size: number): Promise<Buffer> {
  const path = join_(dir, name);
  await expect.poll(() => existsSync(path) && statSync(path).size === size && !existsSync(`${path}.part`),
    { message: `${name} downloaded`, timeout: 30_000 }).toBe(true);
  return readFileSync(path);
}

test("between Chromium and Firefox: a file each way arrives byte for byte, and mute and camera-off are seen each way", async ({ browser, baseURL }) => {
  const dir = mkdtempSync(join_(tmpdir(), "sf-ff-"));
  const downloads = join_(dir, "downloads");
  mkdirSync(downloads);
  const firefox = await launchFirefox(downloads);
  const context = await browser.newContext();
  try {
    const chrome = await context.newPage();
    const room = await newRoom(chrome);
    await join(chrome, room, "Chro");
    const fox = await firefox.newPage();
    await joinInFirefox(fox, new URL(room, baseURL).href, "Fox");
    await expectPlaying(chrome.getByTestId("remote-video"));
    await remotePlayingInFirefox(fox);
    await chrome.getByTestId("chat-toggle").click();
    await fox.locator('[data-testid="chat-toggle"]').click();

    // Chromium → Firefox.
    const toFox = randomBytes(1024 * 1024 + 17);
    await chrome.getByTestId("file-input").setInputFiles({ name: "to fox.bin", mimeType: "application/octet-stream", buffer: toFox });
    await fox.waitForFunction(() => document.querySelector('[data-testid="transfer"][data-state="done"]'), { timeout: 30_000 });
    await fox.locator('[data-testid="transfer"][data-state="done"] [data-testid="file-download"]').click();
    expect(sha(await downloaded(downloads, "to fox.bin", toFox.length))).toBe(sha(toFox));

    // Firefox → Chromium.
    const toChrome = randomBytes(1024 * 1024 + 29);
    const path = join_(dir, "to chromium.bin");
    writeFileSync(path, toChrome);
    const input = await fox.$('[data-testid="file-input"]');
    await (input as ElementHandle<HTMLInputElement>).uploadFile(path);

    const done = chrome.locator('[data-testid="transfer"][data-state="done"]', { hasText: "to chromium.bin" });
    await expect(done).toHaveCount(1, { timeout: 30_000 });
    await expect(done).toContainText("Fox");
    const link = done.getByTestId("file-download");
    const [download] = await Promise.all([chrome.waitForEvent("download"), link.click()]);
    expect(sha(readFileSync(await download.path()))).toBe(sha(toChrome));

    // Mute and camera-off, each way.
    const foxOnChrome = chrome.getByTestId("remote-tile");
    await fox.locator('[data-testid="mute"]').click();
    await fox.locator('[data-testid="camera"]').click();
    await expect(foxOnChrome).toHaveAttribute("data-audio", "off");
    await expect(foxOnChrome).toHaveAttribute("data-video", "off");
    await chrome.getByTestId("mute").click();
    await fox.waitForFunction(() => document.querySelector('[data-testid="remote-tile"]')?.getAttribute("data-audio") === "off");
    await fox.locator('[data-testid="mute"]').click();
    await expect(foxOnChrome).toHaveAttribute("data-audio", "on");
  } finally {
    await context.close();
    await firefox.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("three people, two in Chromium and one in Firefox: everyone sees both others", async ({ browser, baseURL }) => {
  const firefox = await launchFirefox();
  const contexts = await Promise.all([browser.newContext(), browser.newContext()]);
  try {
    const [a, b] = await Promise.all(contexts.map((c) => c.newPage()));
    const room = await newRoom(a);
    await join(a, room, "Ann");
    const fox = await firefox.newPage();
    await joinInFirefox(fox, new URL(room, baseURL).href, "Fox");
    await join(b, room, "Bo");
    for (const page of [a, b]) {
      await expect(page.getByTestId("remote-video")).toHaveCount(2);
      for (const video of await page.getByTestId("remote-video").all()) await expectPlaying(video);
    }
    await fox.waitForFunction(() => document.querySelectorAll('[data-testid="remote-video"]').length === 2);
    for (const index of [0, 1]) await remotePlayingInFirefox(fox, index);
  } finally {
    await Promise.all(contexts.map((c) => c.close()));
    await firefox.close();
  }
});

/** Whether the element `testid` is shown in the Firefox page. */
const shownInFirefox = (page: FirefoxPage, testid: string) =>
  page.evaluate((id: string) => {
    const el = document.querySelector(`[data-testid="${id}"]`) as HTMLElement | null;
    return !!el && el.offsetParent !== null;
  }, testid);

let procs: Proc[] = [];
test.afterEach(async () => {
  await Promise.all(procs.map((p) => p.stop()));
  procs = [];
});
const ownRoom = () => `fox${Date.now()}${Math.floor(Math.random() * 1e6)}`.padEnd(22, "x");

test("the server is killed under a Chromium–Firefox call and restarted: media never stops, both rejoin, a third person sees both", async ({ browser }) => {
  const data = dataDir();
  let server = await startServer(3121, data);
  procs.push(server);
  const url = `http://127.0.0.1:3121/r/${ownRoom()}`;
  const firefox = await launchFirefox();
  const contexts = await Promise.all([browser.newContext(), browser.newContext()]);
  try {
    const [chrome, late] = await Promise.all(contexts.map((c) => c.newPage()));
    const fox = await firefox.newPage();
    await join(chrome, url, "Chro");
    await joinInFirefox(fox, url, "Fox");
    await expectPlaying(chrome.getByTestId("remote-video"));
    await remotePlayingInFirefox(fox);

    await server.stop("SIGKILL");
    await expect(chrome.getByTestId("reconnecting")).toBeVisible();
    await expect.poll(() => shownInFirefox(fox, "reconnecting"), { message: "Firefox says it is reconnecting" }).toBe(true);
    // Media flows peer to peer while the server is away.
    await expectPlaying(chrome.getByTestId("remote-video"));
    await remotePlayingInFirefox(fox);

    server = await startServer(3121, data);
    procs.push(server);
    await expect(chrome.getByTestId("reconnecting")).toBeHidden();
    await expect.poll(() => shownInFirefox(fox, "reconnecting"), { message: "Firefox is back" }).toBe(false);
    await expectPlaying(chrome.getByTestId("remote-video"));
    await remotePlayingInFirefox(fox);

    // The room works again: someone new reaches both.
    await join(late, url, "Late");
    await expect(late.getByTestId("remote-video")).toHaveCount(2);
    for (const video of await late.getByTestId("remote-video").all()) await expectPlaying(video);
    await expect(chrome.getByTestId("remote-video")).toHaveCount(2);
    await fox.waitForFunction(() => document.querySelectorAll('[data-testid="remote-video"]').length === 2);
    for (const index of [0, 1]) await remotePlayingInFirefox(fox, index);
  } finally {
    await Promise.all(contexts.map((c) => c.close()));
    await firefox.close();
  }
});

test("relay only between Chromium and Firefox: coturn goes away and comes back, and an ICE restart recovers the call", async ({ browser }) => {
  const SECRET = "e2e-turn-secret";
  let turn = await startTurn(3484, SECRET);
  procs.push(turn);
  procs.push(await startServer(3122, dataDir(), ["--turn-url", "turn:127.0.0.1:3484", "--turn-secret", SECRET]));
  const url = `http://127.0.0.1:3122/r/${ownRoom()}?ice=relay`;
  const firefox = await launchFirefox();
  const context = await browser.newContext();
  try {
    const chrome = await context.newPage();
    const fox = await firefox.newPage();
    await join(chrome, url, "Chro");
    await joinInFirefox(fox, url, "Fox");
    await expectPlaying(chrome.getByTestId("remote-video"));
    await remotePlayingInFirefox(fox);
    // Relay only, in both browsers: the stats panel (from each browser's own getStats) names
    // the selected pair's candidate type.
    await chrome.getByTestId("stats-toggle").click();
    await expect(chrome.getByTestId("stats")).toHaveAttribute("data-candidate-type", "relay");
    await fox.locator('[data-testid="stats-toggle"]').click();
    await expect.poll(() => fox.evaluate(() =>
      document.querySelector('[data-testid="stats"]')?.getAttribute("data-candidate-type"))).toBe("relay");

    await turn.stop("SIGKILL");
    // Chromium notices within seconds and, as the impolite side (it joined first), restarts
    // ICE. Firefox may not say "reconnecting" at all: its consent checks time out later than
    // Chromium's, and the restart offer can reach it while its connection still counts as up.
    await expect(chrome.getByTestId("reconnecting")).toBeVisible({ timeout: 20_000 });
    turn = await startTurn(3484, SECRET);
    procs.push(turn);
    const back = Date.now();
    await expect(chrome.getByTestId("peer-state")).toHaveText("connected", { timeout: 15_000 });
    await expect(chrome.getByTestId("reconnecting")).toBeHidden();
    await expect.poll(() => shownInFirefox(fox, "reconnecting"), { timeout: 15_000 }).toBe(false);
    await expect.poll(() => fox.evaluate(() => document.querySelector('[data-testid="peer-state"]')?.textContent)).toBe("connected");
    await expectPlaying(chrome.getByTestId("remote-video"));
    await remotePlayingInFirefox(fox);
    console.log(`Chromium–Firefox call recovered ${Date.now() - back} ms after coturn was back`);
  } finally {
    await context.close();
    await firefox.close();
  }
});

test("the face engine in Firefox reads a still image exactly as in Chromium (probabilities equal to 1e-5)", async ({ browser, baseURL }) => {
  // The same PNG (untagged sRGB, decoded exactly by both) in /lab's debug-build fixture mode.
  const png = readFileSync(join_(__dirname, "../../tests/fixtures/vision/images/sample3.png"));
  const dataUrl = `data:image/png;base64,${png.toString("base64")}`;
  const load = (url: string) => {
    (document.querySelector('[data-testid="lab-fixture"]') as HTMLImageElement).src = url;
  };
  const probs = () => document.querySelector('[data-testid="expression-bars"]')?.getAttribute("data-probs") ?? null;
  const stageMs = () => document.querySelector('[data-testid="stage-ms"]')?.textContent ?? "";
  const lab = new URL("/lab?fixture", baseURL).href;

  const context = await browser.newContext();
  const firefox = await launchFirefox();
  try {
    const chrome = await context.newPage();
    await chrome.goto(lab);
    await chrome.waitForSelector("body[data-hydrated=true]");
    await chrome.evaluate(load, dataUrl);
    await expect.poll(() => chrome.evaluate(probs), { timeout: 30_000 }).not.toBeNull();
    const inChromium: number[] = JSON.parse((await chrome.evaluate(probs))!);

    const fox = await firefox.newPage();
    const foxErrors: string[] = [];
    fox.on("pageerror", (e) => foxErrors.push(String(e)));
    await fox.goto(lab);
    await fox.waitForSelector("body[data-hydrated=true]");
    await fox.evaluate(load, dataUrl);
    await fox.waitForFunction(probs, { timeout: 30_000 });
    const inFirefox: number[] = JSON.parse((await fox.evaluate(probs))!);

    expect(inChromium).toHaveLength(7);
    const worst = Math.max(...inChromium.map((p, i) => Math.abs(p - inFirefox[i])));
    console.log(`lab fixture sample3: Chromium ${JSON.stringify(inChromium)}, Firefox ${JSON.stringify(inFirefox)}, ` +
      `largest difference ${worst}; per frame: Chromium "${await chrome.evaluate(stageMs)}", Firefox "${await fox.evaluate(stageMs)}"`);
    expect(worst).toBeLessThanOrEqual(1e-5);
    expect(inChromium.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    expect(foxErrors).toEqual([]);
  } finally {
    await context.close();
    await firefox.close();
  }
});
