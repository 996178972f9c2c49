import { expect, test } from "@playwright/test";
import { chromiumArgs, fakeMediaArgs } from "../playwright.config";
import { facePath } from "../global-setup";
import { open } from "./helpers";

// The straight face of the game test (sample5 face 4: face-api says neutral 0.74).
test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [...chromiumArgs, ...fakeMediaArgs, `--use-file-for-fake-video-capture=${facePath("neutral")}`],
  },
});

test("the straight face reads as neutral, well below the laugh threshold", async ({ page }) => {
  await open(page, "/lab");
  await expect(page.getByTestId("face-count")).toHaveText("1");
  await expect(page.getByTestId("top-expression")).toHaveText("neutral");
  expect(Number(await page.getByTestId("expr-happy").textContent())).toBeLessThan(0.7);
});
