import { chromium, expect, test } from "@playwright/test";
import { chromiumArgs } from "../playwright.config";
import { expectPlaying, join, newRoom, open, pages } from "./helpers";

test("new room gets an unguessable link and shows the camera preview", async ({ page }) => {
  const room = await newRoom(page);
  expect(room).toMatch(/^\/r\/[A-Za-z0-9_-]{22}$/);
  await expectPlaying(page.getByTestId("local-video"));
  await expect(page.getByTestId("join")).toBeEnabled();
});

test("an invite link fetches only the pre-join page's code; the call screen follows, and a failed fetch can be retried", async ({ page, context }) => {
  const fetched: string[] = [];
  context.on("request", (r) => fetched.push(new URL(r.url()).pathname));
  // The call screen's module does not arrive while "offline" (the network dropped).
  let offline = true;
  await context.route(/\/pkg\/split_in_call\./, (route) => (offline ? route.abort("internetdisconnected") : route.continue()));
  const room = `/r/splitRoom_${Date.now().toString(36).padStart(12, "0")}`;
  await open(page, room);
  await expect(page.getByTestId("join")).toBeEnabled();
  // Right after the page works, it asks for the call screen (and here does not get it).
  await expect.poll(() => fetched.filter((p) => p.includes("/split_in_call.")).length).toBeGreaterThan(0);
  await page.getByTestId("name-input").fill("Ann");
  // The call itself (signaling, peer connections) is in that module too: pressing Join while
  // it cannot arrive says so on the pre-join page, keeps what was typed, and opens no socket.
  const sockets: string[] = [];
  page.on("websocket", (ws) => sockets.push(ws.url()));
  await page.getByTestId("join").click();
  await expect(page.getByTestId("call-load-failed")).toBeVisible();
  await expect(page.getByTestId("call-load-failed")).toContainText("connection dropped");
  await expect(page.getByTestId("name-input")).toHaveValue("Ann");
  await expect(page.getByTestId("join")).toBeEnabled();
  await expectPlaying(page.getByTestId("local-video"));
  expect(sockets).toEqual([]);
  offline = false;
  await page.getByTestId("call-load-retry").click();
  await expect(page.getByTestId("leave")).toBeVisible();
  await expectPlaying(page.getByTestId("local-video"));
  // Nothing of /lab, /games or the face engine came for the call.
  expect(fetched.filter((p) => /split_(lab|history|game)_page|straightface-engine|\/models\//.test(p))).toEqual([]);
  // /lab's code comes when /lab is opened.
  await open(page, "/lab");
  await expect(page.getByTestId("lab-status")).toBeVisible();
  await expect.poll(() => fetched.filter((p) => p.includes("/split_lab_page.")).length).toBe(1);
});

test("a page whose module does not arrive says so and can be tried again; the page keeps working", async ({ page, context }) => {
  let offline = true;
  await context.route(/\/pkg\/split_history_page\./, (route) => (offline ? route.abort("internetdisconnected") : route.continue()));
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await open(page, "/");
  // A link inside the app: the router fetches /games's module, which does not come.
  await page.locator('a[href="/games"]').click();
  await expect(page.getByTestId("page-load-failed")).toBeVisible();
  await expect(page.getByTestId("page-load-failed")).toContainText("connection dropped");
  expect(errors).toEqual([]);
  offline = false;
  await page.getByTestId("page-load-retry").click();
  await expect(page.getByTestId("my-games")).toBeVisible();
  await expect(page).toHaveURL(/\/games$/);
});

test("alone in a room, the page shows the invite link from --public-url", async ({ page, baseURL }) => {
  const room = await newRoom(page);
  await join(page, room, "Ann");
  await expect(page.getByTestId("invite-link")).toHaveAttribute("href", `${baseURL}${room}`);
  await expect(page.getByTestId("invite-link")).toHaveText(`${baseURL}${room}`);
});

test("join by pasted link from the home page", async ({ page, baseURL }) => {
  await open(page, "/");
  const id = "pastedLinkRoom_0123456789";
  await page.getByTestId("room-input").fill(`${baseURL}/r/${id}`);
  await page.getByTestId("join-existing").click();
  await page.waitForURL(`**/r/${id}`);
  await open(page, "/");
  await page.getByTestId("room-input").fill("nope");
  await page.getByTestId("join-existing").click();
  await expect(page.getByRole("alert")).toContainText("not a room link");
});

test("an ill-formed room id gets a 400 page", async ({ page, request }) => {
  const res = await request.get("/r/short");
  expect(res.status()).toBe(400);
  await page.goto("/r/bad%20id%3Cscript%3E");
  await expect(page.getByTestId("bad-room")).toContainText("not a valid room link");
});

test("(a) two people see and hear each other", async ({ browser }) => {
  const { contexts, pages: [a, b] } = await pages(browser, 2);
  const room = await newRoom(a);
  await join(a, room, "Ann");
  await join(b, room, "Bo");
  for (const page of [a, b]) {
    await expect(page.getByTestId("remote-video")).toHaveCount(1);
    await expectPlaying(page.getByTestId("remote-video"));
    await expect(page.getByTestId("peer-state")).toHaveText("connected");
  }
  await expect(a.getByTestId("remote-tile")).toContainText("Bo");
  await expect(b.getByTestId("remote-tile")).toContainText("Ann");
  // The remote video carries audio too (the fake device's beep).
  const tracks = await a.getByTestId("remote-video").evaluate((v: HTMLVideoElement) =>
    (v.srcObject as MediaStream).getTracks().map((t) => t.kind).sort());
  expect(tracks).toEqual(["audio", "video"]);
  await Promise.all(contexts.map((c) => c.close()));
});

test("(b)+(c) three people form a full mesh; one leaves and the others see the tile go", async ({ browser }) => {
  const { contexts, pages: ps } = await pages(browser, 3);
  const room = await newRoom(ps[0]);
  for (const [i, page] of ps.entries()) await join(page, room, `P${i}`);
  for (const page of ps) {
    await expect(page.getByTestId("remote-video")).toHaveCount(2);
    for (const video of await page.getByTestId("remote-video").all()) await expectPlaying(video);
  }
  // The camera and microphone tracks P2's preview shows (the very ones it sends).
  await ps[2].getByTestId("local-video").evaluate((v: HTMLVideoElement) => {
    (window as unknown as { tracks: MediaStreamTrack[] }).tracks = (v.srcObject as MediaStream).getTracks();
  });
  // P2 leaves with the button; its tile disappears for P0 and P1, whose call goes on.
  await ps[2].getByTestId("leave").click();
  await expect(ps[2].getByTestId("left")).toBeVisible();
  for (const page of ps.slice(0, 2)) {
    await expect(page.getByTestId("remote-video")).toHaveCount(1);
    await expectPlaying(page.getByTestId("remote-video"));
  }
  // Leaving stopped P2's camera and closed its connections.
  const live = await ps[2].evaluate(() => document.querySelectorAll("video").length);
  expect(live).toBe(0);
  const states = await ps[2].evaluate(() =>
    (window as unknown as { tracks: MediaStreamTrack[] }).tracks.map((t) => t.readyState));
  expect(states).toEqual(["ended", "ended"]);
  // P1 closes the tab: P0 sees it go as soon as the socket closes.
  await contexts[1].close();
  await expect(ps[0].getByTestId("remote-video")).toHaveCount(0);
  await Promise.all([contexts[0].close(), contexts[2].close()]);
});

test("(e) two people pressing Join at the same instant still connect", async ({ browser }) => {
  const { contexts, pages: [a, b] } = await pages(browser, 2);
  const room = await newRoom(a);
  for (const [page, name] of [[a, "Ann"], [b, "Bo"]] as const) {
    await open(page, room);
    await expectPlaying(page.getByTestId("local-video"));
    await page.getByTestId("name-input").fill(name);
  }
  await Promise.all([a.getByTestId("join").click(), b.getByTestId("join").click()]);
  for (const page of [a, b]) await expectPlaying(page.getByTestId("remote-video"));
  await Promise.all(contexts.map((c) => c.close()));
});

test("a seventh person is told the room is full", async ({ page }) => {
  const room = await newRoom(page);
  const id = room.split("/").pop();
  // Six seats taken by raw signaling sockets (cheaper than six browsers on two cores).
  const seated = await page.evaluate(async (id) => {
    const url = `ws://${location.host}/ws`;
    const joined = await Promise.all(Array.from({ length: 6 }, (_, i) => new Promise<string>((resolve) => {
      const ws = new WebSocket(url);
      ((window as any).seats ??= []).push(ws);
      ws.onopen = () => ws.send(JSON.stringify({ type: "join", room: id, name: `seat${i}` }));
      ws.onmessage = (e) => resolve(JSON.parse(e.data).type);
    })));
    return joined;
  }, id);
  expect(seated).toEqual(Array(6).fill("welcome"));
  await page.getByTestId("name-input").fill("Seven");
  await page.getByTestId("join").click();
  await expect(page.getByTestId("room-full")).toBeVisible();
});

test.describe("(d) camera permission denied", () => {
  test("explains the problem and still joins receive-only", async ({ browser }) => {
    // A second browser without the fake-UI flag: Playwright grants no permission, so
    // getUserMedia is rejected with NotAllowedError, as when a user clicks Block.
    const denied = await chromium.launch({
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      args: [...chromiumArgs, "--use-fake-device-for-media-stream"],
    });
    const { contexts, pages: [a] } = await pages(browser, 1);
    const dctx = await denied.newContext({ baseURL: test.info().project.use.baseURL });
    const d = await dctx.newPage();
    const room = await newRoom(a);
    await join(a, room, "Ann");

    await open(d, room);
    const error = d.getByTestId("media-error");
    await expect(error).toContainText("blocked");
    await expect(error).toContainText("Allow camera and microphone");
    await d.getByTestId("media-off").click();
    await expect(d.getByTestId("receive-only")).toBeVisible();
    await d.getByTestId("name-input").fill("Watcher");
    await d.getByTestId("join").click();
    await expectPlaying(d.getByTestId("remote-video"));
    await expect(a.getByTestId("remote-tile")).toContainText("Watcher");
    // Controls that cannot work say why; the others see initials, not a black box.
    await expect(d.getByTestId("mute")).toBeDisabled();
    await expect(d.getByTestId("mute")).toHaveAttribute("title", /No microphone/);
    await expect(d.getByTestId("camera")).toBeDisabled();
    await expect(d.getByTestId("ready")).toBeDisabled();
    await expect(d.getByTestId("ready-needs-camera")).toBeVisible();
    const watcher = a.locator('[data-testid="remote-tile"]', { hasText: "Watcher" });
    await expect(watcher).toHaveAttribute("data-video", "off");
    await expect(watcher.getByTestId("tile-camera-off")).toContainText("W");
    await expect(watcher.getByTestId("tile-muted")).toBeVisible();
    await expect(a.getByTestId("peer-state")).toHaveText("connected");
    await Promise.all([...contexts.map((c) => c.close()), dctx.close()]);
    await denied.close();
  });
});

test("mute and camera off show on the other side, also for someone who joins later; m and v toggle them", async ({ browser }) => {
  const { contexts, pages: [a, b, c] } = await pages(browser, 3);
  const room = await newRoom(a);
  await join(a, room, "Ann");
  await join(b, room, "Bo");
  const annOnB = b.locator('[data-testid="remote-tile"]', { hasText: "Ann" });
  await expect(annOnB).toHaveAttribute("data-audio", "on");

  await a.getByTestId("mute").click();
  await expect(a.getByTestId("mute")).toHaveAttribute("aria-pressed", "true");
  await expect(annOnB).toHaveAttribute("data-audio", "off");
  await expect(annOnB.getByTestId("tile-muted")).toBeVisible();
  // The local track is disabled, not removed: nothing is renegotiated.
  const enabled = await a.getByTestId("local-video").first().evaluate((v: HTMLVideoElement) =>
    (v.srcObject as MediaStream).getAudioTracks().map((t) => t.enabled));
  expect(enabled).toEqual([false]);

  await a.keyboard.press("v");
  await expect(annOnB).toHaveAttribute("data-video", "off");
  await expect(annOnB.getByTestId("tile-camera-off")).toBeVisible();

  // A later joiner learns the state from the server.
  await join(c, room, "Cy");
  const annOnC = c.locator('[data-testid="remote-tile"]', { hasText: "Ann" });
  await expect(annOnC).toHaveAttribute("data-audio", "off");
  await expect(annOnC).toHaveAttribute("data-video", "off");

  await a.keyboard.press("m");
  await a.getByTestId("camera").click();
  for (const tile of [annOnB, annOnC]) {
    await expect(tile).toHaveAttribute("data-audio", "on");
    await expect(tile).toHaveAttribute("data-video", "on");
  }
  await Promise.all(contexts.map((ctx) => ctx.close()));
});

test("the speaking ring follows the audio level, and a muted microphone is silent", async ({ browser }) => {
  const { contexts, pages: [a, b] } = await pages(browser, 2);
  const room = await newRoom(a);
  await join(a, room, "Ann");
  await join(b, room, "Bo");
  const annOnB = b.getByTestId("remote-tile");
  await expectPlaying(b.getByTestId("remote-video"));
  // Chromium's fake microphone beeps: Bo's tile of Ann lights up, and so does Ann's own tile.
  await expect(annOnB).toHaveAttribute("data-speaking", "true");
  await expect(a.getByTestId("own-tile")).toHaveAttribute("data-speaking", "true");
  await a.getByTestId("mute").click();
  await expect(annOnB).toHaveAttribute("data-speaking", "false");
  await expect(a.getByTestId("own-tile")).toHaveAttribute("data-speaking", "false");
  await Promise.all(contexts.map((ctx) => ctx.close()));
});

test("switching the microphone mid-call replaces the track in place; the speaker choice reaches the remote videos", async ({ browser }) => {
  const { contexts, pages: [a, b] } = await pages(browser, 2);
  const room = await newRoom(a);
  await join(a, room, "Ann");
  await join(b, room, "Bo");
  await expectPlaying(b.getByTestId("remote-video"));
  const micLabel = () => a.getByTestId("local-video").evaluate((v: HTMLVideoElement) =>
    (v.srcObject as MediaStream).getAudioTracks().map((t) => `${t.label}:${t.readyState}`).join(","));
  // Devices are chosen in the settings dialog, which has a level meter that the beeps move.
  await a.getByTestId("settings-toggle").click();
  // The fake microphone beeps briefly once a second, and the meter shows the latest 50 ms; a
  // poll once a second (expect.poll's pace after its first tries) can keep missing the beeps,
  // so the page checks on every frame.
  await a.waitForFunction(
    () => (document.querySelector('[data-testid="mic-level"]') as HTMLMeterElement | null)?.value! > 0,
    null,
    { polling: "raf", timeout: 15_000 },
  );
  await expect(a.getByTestId("mic-select").locator("option")).toHaveCount(3);
  await a.getByTestId("mic-select").selectOption({ label: "Fake Audio Input 2" });
  await expect.poll(micLabel).toBe("Fake Audio Input 2:live");
  // Bo still hears Ann: the new microphone's beeps light her tile.
  await expect(b.getByTestId("remote-tile")).toHaveAttribute("data-speaking", "true");
  await expectPlaying(b.getByTestId("remote-video"));
  // Speaker choice on Bo's side goes to the remote videos.
  await b.getByTestId("settings-toggle").click();
  await b.getByTestId("speaker-select").selectOption({ label: "Fake Audio Output 1" });
  const chosen = await b.getByTestId("speaker-select").inputValue();
  await expect.poll(() => b.getByTestId("remote-video").evaluate((v: HTMLVideoElement & { sinkId: string }) => v.sinkId)).toBe(chosen);
  await Promise.all(contexts.map((ctx) => ctx.close()));
});
