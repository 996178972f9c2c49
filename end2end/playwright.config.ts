import { defineConfig } from "@playwright/test";

// The server under test: the debug build from scripts/build-site, on its own port.
// Set BASE_URL to test a server that is already running (e.g. `cargo leptos end-to-end`).
const port = Number(process.env.E2E_PORT ?? 3107);
const baseURL = process.env.BASE_URL ?? `http://127.0.0.1:${port}`;
const server = process.env.E2E_SERVER ?? "../target/debug/straightface";

export const chromiumArgs = [
  "--no-sandbox", "--headless", "--disable-gpu", "--disable-quic",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--no-first-run", "--autoplay-policy=no-user-gesture-required",
];
export const fakeMediaArgs = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"];

export default defineConfig({
  testDir: "./tests",
  globalSetup: "./global-setup.ts",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL,
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      args: [...chromiumArgs, ...fakeMediaArgs],
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: process.env.BASE_URL
    ? undefined
    : {
        command: `${server} --bind 127.0.0.1:${port} --data-dir ../target/e2e-data`,
        url: `${baseURL}/healthz`,
        reuseExistingServer: false,
        timeout: 30_000,
        stdout: "pipe",
        stderr: "pipe",
      },
});
