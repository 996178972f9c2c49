// HTTPS end to end: Debian's pebble (a real ACME CA) issues our server a certificate over
// TLS-ALPN-01, and Chromium, trusting pebble's CA through its flags, joins a call over https://
// with the fake camera. pebble resolves the domain through pebble-challtestsrv's DNS (every
// name -> 127.0.0.1); Chromium through --host-resolver-rules.
import { chromium, expect, test } from "@playwright/test";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:tls";
import { chromiumArgs, fakeMediaArgs } from "../playwright.config";
import { expectPlaying, join as joinRoom } from "./helpers";

const binary = process.env.E2E_SERVER ?? join(__dirname, "../../target/debug/straightface");
// Ports from this spec's range (3210-3229): pebble's API and management, the DNS, our HTTPS.
const PEBBLE = 3214, PEBBLE_ADMIN = 3215, DNS = 3218, DNS_ADMIN = 3219, HTTPS = 3217;
const DOMAIN = "straightface.test";

// Each process's output is collected and printed only if the test fails.
let procs: { name: string; proc: ChildProcess; output: string[] }[] = [];
test.afterEach(async ({}, info) => {
  for (const { name, proc, output } of procs) {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
    if (info.status !== info.expectedStatus) console.log(`--- ${name}\n${output.join("").slice(-4000)}`);
  }
  procs = [];
});

function need(tool: string) {
  try {
    execFileSync("sh", ["-c", `command -v ${tool}`]);
  } catch {
    throw new Error(`${tool} is not installed: run scripts/setup (it installs Debian's pebble package)`);
  }
}

function run(cmd: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  const proc = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  const output: string[] = [];
  for (const stream of [proc.stdout, proc.stderr]) stream?.on("data", (chunk) => output.push(String(chunk)));
  procs.push({ name: cmd, proc, output });
  return proc;
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 200)); // polling interval, not an assertion
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms`);
}

/** GET over HTTPS trusting `ca`; the body, or undefined on any failure. */
function httpsGet(url: string, ca: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { ca }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve(res.statusCode === 200 ? body : undefined));
    });
    req.on("error", () => resolve(undefined));
    req.end();
  });
}

/** The certificate chain our server presents for DOMAIN, if it verifies against `ca`. */
function servedChain(ca: string[]): Promise<X509Certificate | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port: HTTPS, servername: DOMAIN, ca }, () => {
      const ok = socket.authorized;
      const cert = socket.getPeerX509Certificate();
      socket.end();
      resolve(ok ? cert : undefined);
    });
    socket.on("error", () => resolve(undefined));
  });
}

/** base64(sha256(SubjectPublicKeyInfo)), the form --ignore-certificate-errors-spki-list takes. */
function spkiHash(pem: string): string {
  const spki = new X509Certificate(pem).publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(spki).digest("base64");
}

/** pebble and its DNS, listening with a fresh certificate from a fresh test CA; returns that
 * CA's certificate (PEM), which our server and this test trust for pebble's API. (rustls will not
 * take a self-signed CA certificate as the server's own, so the listener gets a leaf.) */
async function startPebble(dir: string): Promise<string> {
  need("pebble");
  need("pebble-challtestsrv");
  need("openssl");
  const file = (name: string) => join(dir, name);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "ignore" });
  openssl("req", "-x509", ...ec, "-keyout", file("ca-key.pem"), "-out", file("ca.pem"), "-days", "2",
    "-subj", "/CN=pebble API test CA");
  openssl("req", ...ec, "-keyout", file("pebble-key.pem"), "-out", file("pebble.csr"), "-subj", "/CN=localhost");
  writeFileSync(file("leaf.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n");
  openssl("x509", "-req", "-in", file("pebble.csr"), "-CA", file("ca.pem"), "-CAkey", file("ca-key.pem"),
    "-CAcreateserial", "-out", file("pebble-cert.pem"), "-days", "2", "-extfile", file("leaf.ext"));
  const config = file("pebble.json");
  writeFileSync(config, JSON.stringify({ pebble: {
    listenAddress: `127.0.0.1:${PEBBLE}`, managementListenAddress: `127.0.0.1:${PEBBLE_ADMIN}`,
    certificate: file("pebble-cert.pem"), privateKey: file("pebble-key.pem"), httpPort: 3216, tlsPort: HTTPS,
    ocspResponderURL: "", externalAccountBindingRequired: false,
  } }));
  run("pebble-challtestsrv", ["-defaultIPv4", "127.0.0.1", "-defaultIPv6", "", "-dns01", `127.0.0.1:${DNS}`,
    "-http01", "", "-https01", "", "-tlsalpn01", "", "-management", `127.0.0.1:${DNS_ADMIN}`]);
  run("pebble", ["-config", config, "-dnsserver", `127.0.0.1:${DNS}`],
    { PEBBLE_VA_NOSLEEP: "1", PEBBLE_WFE_NONCEREJECT: "0" });
  const ca = readFileSync(file("ca.pem"), "utf8");
  await until("pebble's directory", () => httpsGet(`https://127.0.0.1:${PEBBLE}/dir`, ca));
  return ca;
}

test("a certificate from pebble is served and two browsers join a call over https", async () => {
  test.setTimeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), "sf-https-"));
  const pebbleCa = await startPebble(dir);
  run(binary, ["--bind", `127.0.0.1:${HTTPS}`, "--data-dir", join(dir, "data"),
    "--acme-domain", DOMAIN, "--acme-directory", `https://127.0.0.1:${PEBBLE}/dir`,
    "--acme-ca-root", join(dir, "ca.pem"), "--public-url", `https://${DOMAIN}:${HTTPS}`]);

  const root = await until("pebble's root", () => httpsGet(`https://127.0.0.1:${PEBBLE_ADMIN}/roots/0`, pebbleCa));
  const intermediate = await until("pebble's intermediate",
    () => httpsGet(`https://127.0.0.1:${PEBBLE_ADMIN}/intermediates/0`, pebbleCa));
  const leaf = await until("a certificate issued by pebble", () => servedChain([root]), 60_000);
  expect(leaf.subjectAltName).toContain(`DNS:${DOMAIN}`);
  expect(leaf.checkIssued(new X509Certificate(intermediate))).toBe(true);

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [...chromiumArgs, ...fakeMediaArgs, `--host-resolver-rules=MAP ${DOMAIN} 127.0.0.1`,
      `--ignore-certificate-errors-spki-list=${spkiHash(intermediate)},${spkiHash(root)}`],
  });
  try {
    const contexts = await Promise.all([browser.newContext(), browser.newContext()]);
    const [a, b] = await Promise.all(contexts.map((c) => c.newPage()));
    const room = `https${Date.now()}`.padEnd(22, "x");
    const url = `https://${DOMAIN}:${HTTPS}/r/${room}`;
    await joinRoom(a, url, "Ann");
    expect(await a.evaluate(() => window.isSecureContext && location.protocol)).toBe("https:");
    await joinRoom(b, url, "Bo");
    for (const page of [a, b]) await expectPlaying(page.getByTestId("remote-video"));
  } finally {
    await browser.close();
  }
});
