// Korean and English: the language comes from Accept-Language (server-rendered, before any
// script runs), the menu switches it at once, and the choice sticks across pages and reloads.
import { expect, test } from "@playwright/test";
import { join, open } from "./helpers";

test("the server renders Korean for a browser that asks for it, English otherwise", async ({ request }) => {
  for (const [accept, lang, text] of [
    ["ko-KR,ko;q=0.9,en;q=0.8", "ko", "새 방 만들기"],
    ["en-US,en;q=0.9", "en", "New room"],
    ["fr-FR,fr;q=0.9", "en", "New room"], // a language we lack: English
  ] as const) {
    const html = await (await request.get("/", { headers: { "Accept-Language": accept } })).text();
    expect(html, accept).toContain(`lang="${lang}"`);
    expect(html, accept).toContain(text);
  }
});

test.describe("a browser that asks for Korean", () => {
  test.use({ locale: "ko-KR" });

  test("gets the Korean UI, in the call too, and can switch to English for good", async ({ page }) => {
    await open(page, "/");
    await expect(page.locator("html")).toHaveAttribute("lang", "ko");
    await expect(page.getByTestId("lang")).toHaveValue("ko");
    await expect(page.getByTestId("new-room")).toHaveText("새 방 만들기");

    await page.getByTestId("new-room").click();
    await page.waitForURL(/\/r\//);
    const room = new URL(page.url()).pathname;
    await join(page, room, "민지");
    await expect(page.getByTestId("mute")).toHaveAccessibleName(/마이크/);
    await expect(page.getByTestId("leave")).toHaveAccessibleName(/나가기/);
    await page.getByTestId("chat-toggle").click();
    await page.screenshot({ path: "screenshots/room-ko.png", fullPage: true });
    await page.getByTestId("chat-toggle").click();

    // Switching takes effect at once, without a reload, and keeps the call.
    await page.getByTestId("lang").selectOption("en");
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByTestId("mute")).toHaveAccessibleName("Mute");
    await expect(page.getByTestId("leave")).toBeVisible();

    // It sticks: a year-long cookie for the whole site beats Accept-Language on the next visit.
    const cookie = (await page.context().cookies()).find((c) => c.name === "i18n_pref_locale");
    expect(cookie?.value).toBe("en");
    expect(cookie?.path).toBe("/");
    expect(cookie!.expires * 1000).toBeGreaterThan(Date.now() + 300 * 24 * 3600 * 1000);
    await page.getByTestId("leave").click();
    await open(page, "/");
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByTestId("new-room")).toHaveText("New room");
    await expect(page.getByTestId("lang")).toHaveValue("en");
  });
});
