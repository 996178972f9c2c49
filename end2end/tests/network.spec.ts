// Calls against real breakage: a real coturn relay, a killed and restarted server, a relay
// that goes away and comes back. Each test runs its own server process (not the shared one).
import { expect, test } from "@playwright/test";
import { expectPlaying, join, pages } from "./helpers";
import { dataDir, startServer, startTurn, type Proc } from "./procs";

const SECRET = "e2e-turn-secret";
const room = () => `net${Date.now()}${Math.floor(Math.random() * 1e6)}`.padEnd(22, "x");

let procs: Proc[] = [];
test.afterEach(async () => {
  await Promise.all(procs.map((p) => p.stop()));
  procs = [];
});

test("a relay-only call goes through coturn with minted credentials", async ({ browser }) => {
  procs.push(await startTurn(3479, SECRET));
  procs.push(await startServer(3111, dataDir(), ["--turn-url", "turn:127.0.0.1:3479", "--turn-secret", SECRET]));
  const url = `http://127.0.0.1:3111/r/${room()}?ice=relay`;
  const { contexts, pages: [a, b] } = await pages(browser, 2);
  await join(a, url, "Ann");
  await join(b, url, "Bo");
  for (const page of [a, b]) {
    await expectPlaying(page.getByTestId("remote-video"));
    await page.getByTestId("stats-toggle").click();
    await expect(page.getByTestId("stats")).toHaveAttribute("data-candidate-type", "relay");
    await expect(page.getByTestId("quality")).toHaveText(/good|fair|poor/);
  }
  // The browser was given a minted login, never the secret.
  const html = await a.content();
  expect(html).not.toContain(SECRET);
  await Promise.all(contexts.map((c) => c.close()));
});

test("TURN logins are renewed: someone who joins after the first login expired still connects over the relay", async ({ browser }) => {
  // Logins that live 4 s, renewed every 2 s. Ann waits alone until hers from the welcome has
  // expired; then Bo joins, and Ann's new connection to him must log in with a renewed one (the
  // call is relay-only, so an expired login would leave it with no path at all).
  procs.push(await startTurn(3482, SECRET));
  procs.push(await startServer(3118, dataDir(), ["--turn-url", "turn:127.0.0.1:3482", "--turn-secret", SECRET, "--turn-ttl", "4"]));
  const url = `http://127.0.0.1:3118/r/${room()}?ice=relay`;
  const { contexts, pages: [a, b] } = await pages(browser, 2);
  const expiries: number[] = [];
  a.on("websocket", (ws) => ws.on("framereceived", ({ payload }) => {
    const msg = JSON.parse(payload.toString());
    const servers = msg.type === "welcome" || msg.type === "ice_servers" ? msg.ice_servers : [];
    for (const s of servers) if (s.username) expiries.push(Number(s.username.split(":")[0]));
  }));
  await join(a, url, "Ann");
  await expect.poll(() => expiries.length, { message: "the welcome's login", timeout: 10_000 }).toBeGreaterThan(0);
  const first = expiries[0];
  await expect.poll(() => Math.floor(Date.now() / 1000), { message: "the first login expired", timeout: 15_000 })
    .toBeGreaterThan(first + 1);
  expect(expiries.length, "renewals arrived meanwhile").toBeGreaterThan(2);
  expect(Math.max(...expiries)).toBeGreaterThan(first);
  expect(JSON.stringify(expiries)).not.toContain(SECRET);

  await join(b, url, "Bo");
  for (const page of [a, b]) {
    await expectPlaying(page.getByTestId("remote-video"));
    await page.getByTestId("stats-toggle").click();
    await expect(page.getByTestId("stats")).toHaveAttribute("data-candidate-type", "relay");
  }
  await Promise.all(contexts.map((c) => c.close()));
});

test("with a wrong TURN secret the call does not connect and the page says the relay refused", async ({ browser }) => {
  procs.push(await startTurn(3480, SECRET));
  procs.push(await startServer(3112, dataDir(), ["--turn-url", "turn:127.0.0.1:3480", "--turn-secret", "not-the-secret"]));
  const url = `http://127.0.0.1:3112/r/${room()}?ice=relay`;
  const { contexts, pages: [a, b] } = await pages(browser, 2);
  await join(a, url, "Ann");
  await join(b, url, "Bo");
  for (const page of [a, b]) {
    await expect(page.getByTestId("tile-problem")).toContainText("refused");
    await expect(page.getByTestId("peer-state")).not.toHaveText("connected");
  }
  await Promise.all(contexts.map((c) => c.close()));
});

test("(a) the server is killed mid-call and restarted: media never stops, the room works again", async ({ browser }) => {
  const data = dataDir();
  let server = await startServer(3113, data);
  procs.push(server);
  const url = `http://127.0.0.1:3113/r/${room()}`;
  const { contexts, pages: [a, b, c] } = await pages(browser, 3);
  await join(a, url, "Ann");
  await join(b, url, "Bo");
  for (const page of [a, b]) await expectPlaying(page.getByTestId("remote-video"));

  await server.stop("SIGKILL");
  for (const page of [a, b]) {
    await expect(page.getByTestId("reconnecting")).toBeVisible();
    await expectPlaying(page.getByTestId("remote-video")); // media flows peer to peer meanwhile
  }
  server = await startServer(3113, data);
  procs.push(server);
  for (const page of [a, b]) {
    await expect(page.getByTestId("reconnecting")).toBeHidden();
    await expectPlaying(page.getByTestId("remote-video"));
  }
  await join(c, url, "Cy");
  await expect(c.getByTestId("remote-video")).toHaveCount(2);
  for (const video of await c.getByTestId("remote-video").all()) await expectPlaying(video);
  for (const page of [a, b]) await expect(page.getByTestId("remote-video")).toHaveCount(2);
  await Promise.all(contexts.map((x) => x.close()));
});

test("(b) the relay goes away and comes back: ICE restart recovers the call", async ({ browser }) => {
  let turn = await startTurn(3481, SECRET);
  procs.push(turn);
  procs.push(await startServer(3114, dataDir(), ["--turn-url", "turn:127.0.0.1:3481", "--turn-secret", SECRET]));
  const url = `http://127.0.0.1:3114/r/${room()}?ice=relay`;
  const { contexts, pages: [a, b] } = await pages(browser, 2);
  await join(a, url, "Ann");
  await join(b, url, "Bo");
  for (const page of [a, b]) await expectPlaying(page.getByTestId("remote-video"));

  await turn.stop("SIGKILL");
  for (const page of [a, b]) await expect(page.getByTestId("reconnecting")).toBeVisible({ timeout: 20_000 });
  turn = await startTurn(3481, SECRET);
  procs.push(turn);
  const back = Date.now();
  // The requirement: recovered by ICE restart within 10 s of the relay being back.
  for (const page of [a, b]) {
    const left = Math.max(1, 10_000 - (Date.now() - back));
    await expect(page.getByTestId("peer-state")).toHaveText("connected", { timeout: left });
    await expect(page.getByTestId("reconnecting")).toBeHidden();
    await expectPlaying(page.getByTestId("remote-video"));
  }
  console.log(`recovered ${Date.now() - back} ms after coturn was back`);
  await Promise.all(contexts.map((x) => x.close()));
});

test("a low video cap keeps the outgoing bitrate under it without renegotiation", async ({ browser }) => {
  procs.push(await startServer(3115, dataDir()));
  const url = `http://127.0.0.1:3115/r/${room()}`;
  const { contexts, pages: [a, b] } = await pages(browser, 2);
  await join(a, url, "Ann");
  await join(b, url, "Bo");
  await expectPlaying(a.getByTestId("remote-video"));
  await a.getByTestId("stats-toggle").click();
  await a.getByTestId("settings-toggle").click();
  await a.getByTestId("video-cap").selectOption("low");
  await a.getByTestId("settings-close").click();
  // Out = video (capped at 150 kbps) + Opus audio (≤ ~50 kbps); three readings in a row.
  const out = async () => Number((await a.getByTestId("bitrate").textContent())?.split("/")[1]?.replace(/[^\d.]/g, ""));
  let under = 0;
  await expect.poll(async () => {
    under = (await out()) < 210 ? under + 1 : 0;
    return under;
  }, { timeout: 30_000, intervals: [1000] }).toBeGreaterThanOrEqual(3);
  await expectPlaying(b.getByTestId("remote-video"));
  // ¼ resolution (of the fake camera's 640×480) arrives at the receiver: the parameters really changed on the live sender.
  await b.getByTestId("stats-toggle").click();
  await expect(b.getByTestId("video-size")).toHaveText(/^160×120 /, { timeout: 20_000 });
  await Promise.all(contexts.map((x) => x.close()));
});

test("a video cap chosen before someone joins also limits the connection to them", async ({ browser }) => {
  procs.push(await startServer(3116, dataDir()));
  const url = `http://127.0.0.1:3116/r/${room()}`;
  const { contexts, pages: [a, b] } = await pages(browser, 2);
  await join(a, url, "Ann");
  await a.getByTestId("settings-toggle").click();
  await a.getByTestId("video-cap").selectOption("low");
  await a.getByTestId("settings-close").click();
  // Ann answers Bo's offer, so her video sender only exists after the cap was chosen.
  await join(b, url, "Bo");
  await expectPlaying(b.getByTestId("remote-video"));
  await a.getByTestId("stats-toggle").click();
  const out = async () => Number((await a.getByTestId("bitrate").textContent())?.split("/")[1]?.replace(/[^\d.]/g, ""));
  let under = 0;
  await expect.poll(async () => {
    under = (await out()) < 210 ? under + 1 : 0;
    return under;
  }, { timeout: 30_000, intervals: [1000] }).toBeGreaterThanOrEqual(3);
  // The receiver sees the ¼ resolution: the limit reached the sender made after it was chosen.
  await b.getByTestId("stats-toggle").click();
  await expect(b.getByTestId("video-size")).toHaveText(/^160×120 /, { timeout: 20_000 });
  await Promise.all(contexts.map((x) => x.close()));
});
