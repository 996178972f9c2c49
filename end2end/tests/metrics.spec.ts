import { expect, test } from "@playwright/test";
import { expectPlaying, join, pages } from "./helpers";
import { dataDir, startServer, type Proc } from "./procs";

// What operators see at /metrics comes partly from the browsers: how soon a join reached a
// connected peer, and later the calls' round-trip time and loss (every 30 s, not waited for here).
const PORT = 3131;
const TOKEN = "m3trics-t0ken";
let server: Proc | undefined;

test.afterEach(async () => {
  await server?.stop();
  server = undefined;
});

test("a join into a call is reported by the browser and counted at /metrics", async ({ browser }) => {
  server = await startServer(PORT, dataDir(), ["--metrics-token", TOKEN]);
  const { contexts, pages: [a, b] } = await pages(browser, 2);
  const room = `http://127.0.0.1:${PORT}/r/metricsRoom_${Date.now().toString(36).padStart(10, "0")}`;
  await join(a, room, "Ann");
  await join(b, room, "Bo");
  await expectPlaying(a.getByTestId("remote-video"));
  await expectPlaying(b.getByTestId("remote-video"));
  const scrape = async () => {
    const response = await fetch(`http://127.0.0.1:${PORT}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    return response.text();
  };
  const value = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1]);
  // Bo joined someone: one join with people there, and Bo's browser says it connected within
  // 10 s. Ann was first in the room and joined nobody, so she reports no such time.
  await expect.poll(async () => value(await scrape(), "straightface_join_connected_seconds_count")).toBe(1);
  const text = await scrape();
  expect(value(text, "straightface_joins_with_peers_total")).toBe(1);
  expect(value(text, 'straightface_join_connected_seconds_bucket\\{le="10"\\}')).toBe(1);
  expect(value(text, "straightface_sockets")).toBe(2);
  for (const context of contexts) await context.close();
});
