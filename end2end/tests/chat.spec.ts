// Chat over the peer connections' data channels, between three real browsers.
import { expect, test } from "@playwright/test";
import { expectPlaying, join, newRoom, pages } from "./helpers";

test("chat reaches everyone, as text, with sender and time, an unread badge and a length limit", async ({ browser }) => {
  const { contexts, pages: [a, b, c] } = await pages(browser, 3);
  const room = await newRoom(a);
  for (const [page, name] of [[a, "Ann"], [b, "Bo"], [c, "Cy"]] as const) await join(page, room, name);
  for (const page of [a, b, c]) {
    await expect(page.getByTestId("remote-video")).toHaveCount(2);
    for (const video of await page.getByTestId("remote-video").all()) await expectPlaying(video);
  }

  await a.getByTestId("chat-toggle").click();
  await a.getByTestId("chat-input").fill("<b>hello</b> 안녕하세요");
  await a.getByTestId("chat-send").click();
  await expect(a.getByTestId("chat-message")).toHaveCount(1);
  await expect(a.getByTestId("chat-input")).toHaveValue("");

  for (const page of [b, c]) {
    // Closed panel: the badge counts it.
    await expect(page.getByTestId("chat-unread")).toHaveText("1");
    await page.keyboard.press("c");
    await expect(page.getByTestId("chat-unread")).toHaveCount(0);
    const message = page.getByTestId("chat-message");
    await expect(message).toHaveCount(1);
    await expect(message).toContainText("Ann");
    await expect(message).toContainText(/\d\d:\d\d/);
    // Shown as text: the markup is visible, no <b> element was made.
    await expect(message.locator(".chat-text")).toHaveText("<b>hello</b> 안녕하세요");
    await expect(message.locator("b", { hasText: "hello" })).toHaveCount(0);
  }

  await c.getByTestId("chat-input").fill("hi from Cy");
  await c.getByTestId("chat-input").press("Enter");
  for (const page of [a, b]) await expect(page.getByTestId("chat-message").last()).toContainText("hi from Cy");

  // Over the limit (a paste can bypass maxlength): refused with a message, nothing sent.
  await b.getByTestId("chat-input").evaluate((el: HTMLInputElement) => {
    el.removeAttribute("maxlength");
  });
  await b.getByTestId("chat-input").fill("x".repeat(1001));
  await b.getByTestId("chat-send").click();
  await expect(b.getByTestId("chat-error")).toContainText("1000");
  await expect(a.getByTestId("chat-message")).toHaveCount(2);
  await Promise.all(contexts.map((ctx) => ctx.close()));
});
