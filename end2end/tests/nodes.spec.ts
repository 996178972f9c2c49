import { test } from "@playwright/test";
import { expectPlaying, join, pages } from "./helpers";
import { nodeDataDir, startRedis, startServer, type Proc } from "./procs";
import { randomBytes } from "node:crypto";

// Two nodes of one deployment on a real Redis: each browser opens the room on a different node
// (as a load balancer might send them), and they still meet in one call. The second node
// forwards its browser's socket to the node that owns the room.
const REDIS = 3141;
const NODES = [3142, 3143];
let procs: Proc[] = [];

test.afterEach(async () => {
  for (const proc of procs.reverse()) await proc.stop();
  procs = [];
});

test("two browsers on two nodes of one deployment see each other", async ({ browser }) => {
  procs.push(await startRedis(REDIS));
  const key = randomBytes(32);
  for (const port of NODES) {
    const args = ["--redis-url", `redis://127.0.0.1:${REDIS}/0`, "--node-bind", `127.0.0.1:${port + 10}`];
    procs.push(await startServer(port, nodeDataDir(key), args));
  }
  const { contexts, pages: [a, b] } = await pages(browser, 2);
  const room = `nodesRoom_${Date.now().toString(36).padStart(12, "0")}`;
  await join(a, `http://127.0.0.1:${NODES[0]}/r/${room}`, "Ann");
  await join(b, `http://127.0.0.1:${NODES[1]}/r/${room}`, "Bo");
  await expectPlaying(a.getByTestId("remote-video"));
  await expectPlaying(b.getByTestId("remote-video"));
  for (const context of contexts) await context.close();
});
