import { expect, test } from "@playwright/test";
import { chromiumArgs, fakeMediaArgs } from "../playwright.config";
import { facePath } from "../global-setup";
import { expectPlaying, open } from "./helpers";

// The fake camera shows a golden image's smiling face (sample3 face 0: face-api says happy 1.00).
test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [...chromiumArgs, ...fakeMediaArgs, `--use-file-for-fake-video-capture=${facePath("happy")}`],
  },
});

test("the lab reads one face and its expression from the camera, in a worker", async ({ page }) => {
  await open(page, "/lab");
  await expectPlaying(page.getByTestId("local-video"));
  await expect(page.getByTestId("lab-status")).toHaveText("Reading faces");
  await expect(page.getByTestId("face-count")).toHaveText("1");
  await expect(page.getByTestId("top-expression")).toHaveText("happy");
  const happy = Number(await page.getByTestId("expr-happy").textContent());
  expect(happy).toBeGreaterThan(0.9);
  // Seven bars, each a probability.
  for (const label of ["neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised"]) {
    const v = Number(await page.getByTestId(`expr-${label}`).textContent());
    expect(v).toBeGreaterThanOrEqual(0);
    expect(v).toBeLessThanOrEqual(1);
  }
  await expect(page.getByTestId("stage-ms")).toContainText("detect");
  await expect.poll(async () => Number(await page.getByTestId("fps").textContent())).toBeGreaterThan(0);
});

test("the model files are served, and only those", async ({ request }) => {
  const ok = await request.get("/models/face_expression_model.bin");
  expect(ok.status()).toBe(200);
  expect((await ok.body()).length).toBe(329468);
  expect((await request.get("/models/age_gender_model.bin")).status()).toBe(404);
  expect((await request.get("/models/..%2FCargo.toml")).status()).toBe(404);
});
