// Files over the peer connections' data channels: a few MB arrive byte for byte, with progress on
// both sides; a file over the limit is refused with a message before anything is sent; a transfer
// whose other side leaves ends with a message instead of hanging.
import { expect, test, type Browser } from "@playwright/test";
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { expectPlaying, join, newRoom, pages } from "./helpers";

/** Ann and Bo in a call, each with the chat panel (where files are) open. */
async function annAndBo(browser: Browser) {
  const call = await pages(browser, 2);
  const [a, b] = call.pages;
  const room = await newRoom(a);
  await join(a, room, "Ann");
  await join(b, room, "Bo");
  await expectPlaying(b.getByTestId("remote-video"));
  for (const page of [a, b]) await page.getByTestId("chat-toggle").click();
  return call;
}

test("a 3 MB file reaches the other side with the same bytes and its original name", async ({ browser }) => {
  const { contexts, pages: [a, b] } = await annAndBo(browser);

  const bytes = randomBytes(3 * 1024 * 1024 + 123);
  const sha = (buf: Buffer) => createHash("sha256").update(buf).digest("hex");
  await a.getByTestId("file-input").setInputFiles({ name: "holiday photos.bin", mimeType: "application/octet-stream", buffer: bytes });

  const progressOf = (page: typeof a) => page.getByTestId("file-progress").first().evaluate((p: HTMLProgressElement) => p.value);
  await expect.poll(() => progressOf(a), { message: "sender progress" }).toBe(1);
  await expect(b.getByTestId("transfer").first()).toContainText("holiday photos.bin");
  await expect(b.getByTestId("transfer").first()).toContainText("from Ann");
  await expect.poll(() => progressOf(b), { message: "receiver progress" }).toBe(1);
  await expect(b.getByTestId("transfer").first()).toHaveAttribute("data-state", "done");

  const [download] = await Promise.all([b.waitForEvent("download"), b.getByTestId("file-download").click()]);
  expect(download.suggestedFilename()).toBe("holiday photos.bin");
  const received = readFileSync(await download.path());
  expect(received.length).toBe(bytes.length);
  expect(sha(received)).toBe(sha(bytes));

  // Over 100 MB: refused at once, with a message, and nothing reaches Bo.
  await a.getByTestId("file-input").evaluate((input: HTMLInputElement) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new ArrayBuffer(100_000_001)], "too big.bin"));
    input.files = dt.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });
  await expect(a.getByTestId("file-error")).toContainText("100 MB");
  await expect(b.getByTestId("transfer")).toHaveCount(1);
  await Promise.all(contexts.map((ctx) => ctx.close()));
});

// A transfer whose other side leaves ends with a message on the side that stayed, instead of
// waiting forever: the sender's queue never drains for a receiver who is gone, and a receiver
// never gets `done` from a sender who is gone. The file is big enough (95 MB) to still be in
// flight when the other page closes.
const pickBigFile = (page: import("@playwright/test").Page) =>
  page.getByTestId("file-input").evaluate((input: HTMLInputElement) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(95_000_000)], "big.bin"));
    input.files = dt.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });

for (const leaver of ["receiver", "sender"] as const) {
  test(`the ${leaver} leaving mid-transfer ends it with a message on the other side`, async ({ browser }) => {
    const { contexts, pages: [a, b] } = await annAndBo(browser);

    await pickBigFile(a);
    await expect(b.getByTestId("transfer").first()).toHaveAttribute("data-state", "active");
    const [gone, stays] = leaver === "receiver" ? [1, a] : [0, b];
    await contexts[gone].close();

    const transfer = stays.getByTestId("transfer").first();
    await expect(transfer).toHaveAttribute("data-state", "failed");
    await expect(transfer).toContainText(
      leaver === "receiver" ? "Everyone it was going to has left" : "The sender left before the file arrived",
    );
    await contexts[1 - gone].close();
  });
}
