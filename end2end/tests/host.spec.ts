import { expect, test, type Page } from "@playwright/test";
import { expectPlaying, join, newRoom, open, pages } from "./helpers";

// Rooms the host controls: the earliest joiner locks the room, sets a password, lets knocks in
// or turns them away, and removes a participant. Every rule is the server's; these check what
// each person sees in a real browser.

/** Opens the room, waits for the preview, types a name and presses Join (without expecting a seat). */
async function pressJoin(page: Page, room: string, name: string) {
  await open(page, room);
  await expectPlaying(page.getByTestId("local-video"));
  await page.getByTestId("name-input").fill(name);
  await page.getByTestId("join").click();
}

/** Opens the people panel, where the host line and the host's controls are. */
async function openPeople(page: Page) {
  const toggle = page.getByTestId("people-toggle");
  if ((await toggle.getAttribute("aria-pressed")) !== "true") await toggle.click();
}

/** Opens the host controls (a disclosure in the people panel). */
async function hostControls(page: Page) {
  await openPeople(page);
  const details = page.getByTestId("host-controls");
  if (!(await details.evaluate((d: HTMLDetailsElement) => d.open))) {
    await details.locator("summary").click();
  }
  return details;
}

test("the host locks the room: a third person gets a clear page, the others stay", async ({ browser }) => {
  const { contexts, pages: [a, b, c] } = await pages(browser, 3);
  const room = await newRoom(a);
  await join(a, room, "Ann");
  await join(b, room, "Bo");
  for (const page of [a, b]) await openPeople(page);
  await expect(a.getByTestId("host-name")).toHaveText("You are the host");
  await expect(b.getByTestId("host-name")).toHaveText("Host: Ann");
  await expect(b.getByTestId("host-controls")).toHaveCount(0);

  const controls = await hostControls(a);
  const lock = controls.getByRole("button", { name: "Lock the room: nobody new can join" });
  await lock.click();
  await expect(lock).toHaveAttribute("aria-pressed", "true");

  await pressJoin(c, room, "Cy");
  const refused = c.getByTestId("call-error");
  await expect(refused).toHaveAttribute("data-code", "room_locked");
  await expect(refused.getByRole("heading")).toHaveText("This room is locked");
  // Ann and Bo are still in the call with each other.
  for (const page of [a, b]) await expect(page.getByTestId("remote-video")).toHaveCount(1);
  await expect(b.getByTestId("leave")).toBeVisible();
  await Promise.all(contexts.map((ctx) => ctx.close()));
});

test("with a password, a joiner is asked for it; a wrong one is refused, the right one gets in", async ({ browser }) => {
  const { contexts, pages: [a, b] } = await pages(browser, 2);
  const room = await newRoom(a);
  await join(a, room, "Ann");
  const controls = await hostControls(a);
  await controls.getByTestId("host-password").fill("tiger lily");
  await controls.getByTestId("host-password-set").click();
  await expect(controls.getByTestId("password-is-set")).toBeVisible();

  await pressJoin(b, room, "Bo");
  await expect(b.getByTestId("password-prompt")).toHaveAttribute("data-code", "password_required");
  await b.getByTestId("room-password").fill("tiger lilly");
  await b.getByTestId("join").click();
  await expect(b.getByTestId("password-prompt")).toHaveAttribute("data-code", "wrong_password");
  await expect(b.getByTestId("password-prompt")).toHaveText("That password is not right. Try again.");
  await b.getByLabel("Room password").fill("tiger lily");
  await b.getByTestId("join").click();
  await expect(b.getByTestId("leave")).toBeVisible();
  await expectPlaying(b.getByTestId("remote-video"));
  await Promise.all(contexts.map((ctx) => ctx.close()));
});

test("knock to enter: the host admits one person and declines another", async ({ browser }) => {
  const { contexts, pages: [a, b, c] } = await pages(browser, 3);
  const room = await newRoom(a);
  await join(a, room, "Ann");
  const controls = await hostControls(a);
  await controls.getByTestId("host-knock").click();
  await expect(controls.getByTestId("host-knock")).toHaveAttribute("aria-pressed", "true");

  await pressJoin(b, room, "Bo");
  await expect(b.getByTestId("knocking")).toContainText("Asking to join…");
  // Waiting longer than the server's unjoined-socket timeout: a knock is not idle.
  await b.waitForTimeout(11_000);
  await expect(b.getByTestId("knocking")).toBeVisible();
  const knock = a.getByTestId("knock").filter({ hasText: "Bo" });
  await knock.getByRole("button", { name: "Admit Bo" }).click();
  await expect(b.getByTestId("leave")).toBeVisible();
  await expectPlaying(a.getByTestId("remote-video"));
  await expect(a.getByTestId("knock")).toHaveCount(0);

  await pressJoin(c, room, "Cy");
  await expect(c.getByTestId("knocking")).toBeVisible();
  await a.getByRole("button", { name: "Decline Cy" }).click();
  await expect(c.getByTestId("call-error")).toHaveAttribute("data-code", "knock_declined");
  await expect(a.getByTestId("knock")).toHaveCount(0);
  await expect(a.getByTestId("remote-video")).toHaveCount(1);
  await Promise.all(contexts.map((ctx) => ctx.close()));
});

test("the host removes a participant, who sees why and cannot come back with the seat ticket", async ({ browser }) => {
  const { contexts, pages: [a, b] } = await pages(browser, 2);
  const room = await newRoom(a);
  // Bo's welcome (seat id and ticket), read off the wire.
  const welcome = new Promise<{ you: number; ticket: string }>((resolve) => {
    b.on("websocket", (ws) => ws.on("framereceived", ({ payload }) => {
      const msg = JSON.parse(String(payload));
      if (msg.type === "welcome") resolve(msg);
    }));
  });
  await join(a, room, "Ann");
  await join(b, room, "Bo");
  const { you, ticket } = await welcome;
  await expectPlaying(a.getByTestId("remote-video"));

  const controls = await hostControls(a);
  await controls.getByRole("button", { name: "Remove Bo from the room" }).click();
  const removed = b.getByTestId("call-error");
  await expect(removed).toHaveAttribute("data-code", "removed");
  await expect(removed.getByRole("heading")).toHaveText("The host removed you from this room");
  await expect(a.getByTestId("remote-video")).toHaveCount(0);

  // Resuming with the old ticket is refused with a typed code.
  const id = room.split("/").pop();
  const answer = await b.evaluate(async ({ id, you, ticket }) => {
    const ws = new WebSocket(`ws://${location.host}/ws`);
    return await new Promise<string>((resolve) => {
      ws.onopen = () => ws.send(JSON.stringify({ type: "resume", room: id, name: "Bo", peer: you, ticket }));
      ws.onmessage = (e) => {
        const msg = JSON.parse(e.data);
        if (msg.type === "error" || msg.type === "welcome") resolve(msg.code ?? msg.type);
      };
    });
  }, { id, you, ticket });
  expect(answer).toBe("removed");
  await expect(a.getByTestId("remote-video")).toHaveCount(0);
  await Promise.all(contexts.map((ctx) => ctx.close()));
});

test("the join page opens no socket until Join, and an idle page keeps working", async ({ page }) => {
  const sockets: string[] = [];
  page.on("websocket", (ws) => { if (new URL(ws.url()).pathname.startsWith("/ws")) sockets.push(new URL(ws.url()).pathname); });
  const room = await newRoom(page);
  await expectPlaying(page.getByTestId("local-video"));
  // Longer than the server's unjoined-socket timeout.
  await page.waitForTimeout(11_000);
  expect(sockets).toEqual([]);
  await page.getByTestId("name-input").fill("Ann");
  await page.getByTestId("join").click();
  await expect(page.getByTestId("leave")).toBeVisible();
  // One socket, with the room in its address (so a proxy can route the room's sockets together).
  expect(sockets).toEqual([`/ws/${room.split("/").pop()}`]);
});
