// Real processes for the network tests: our server binary and Debian's coturn, on loopback.
import { spawn, type ChildProcess } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const binary = process.env.E2E_SERVER ?? join(__dirname, "../../target/debug/straightface");

export interface Proc {
  proc: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

function wrap(proc: ChildProcess): Proc {
  return {
    proc,
    stop: (signal = "SIGKILL") =>
      new Promise((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        proc.once("exit", () => resolve());
        proc.kill(signal);
      }),
  };
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100)); // polling interval, not an assertion
  }
  throw new Error(`${what} did not come up within ${timeoutMs} ms`);
}

/** A fresh data folder (seat-ticket key); pass the same one to a restarted server. */
export const dataDir = () => mkdtempSync(join(tmpdir(), "sf-e2e-"));

/** Starts our server on `port` and waits for /healthz. */
export async function startServer(port: number, data: string, args: string[] = []): Promise<Proc> {
  const proc = spawn(binary, ["--bind", `127.0.0.1:${port}`, "--data-dir", data, ...args], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  await until("straightface", async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok);
  return wrap(proc);
}

/** One STUN Binding request (RFC 8489 §5); resolves true when coturn answers. */
function stunPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createSocket("udp4");
    const req = Buffer.alloc(20);
    req.writeUInt16BE(0x0001, 0); // Binding request
    req.writeUInt32BE(0x2112a442, 4); // magic cookie
    for (let i = 8; i < 20; i++) req[i] = Math.floor(Math.random() * 256);
    const done = (ok: boolean) => { clearTimeout(timer); sock.close(); resolve(ok); };
    const timer = setTimeout(() => done(false), 300);
    sock.on("message", (msg) => done(msg.readUInt16BE(0) === 0x0101));
    sock.send(req, port, "127.0.0.1");
  });
}

/** Starts coturn on 127.0.0.1:`port` with `use-auth-secret` and waits until it answers STUN. */
export async function startTurn(port: number, secret: string): Promise<Proc> {
  const dir = mkdtempSync(join(tmpdir(), "sf-turn-"));
  const conf = join(dir, "turnserver.conf");
  writeFileSync(conf, [
    "listening-ip=127.0.0.1", "relay-ip=127.0.0.1", `listening-port=${port}`,
    `min-port=${port + 100}`, `max-port=${port + 199}`,
    "use-auth-secret", `static-auth-secret=${secret}`, "realm=straightface.test",
    // Both browsers' relay addresses are on loopback here.
    "allow-loopback-peers", "no-tls", "no-dtls", "no-cli", "fingerprint",
    `userdb=${join(dir, "turndb")}`, `pidfile=${join(dir, "turn.pid")}`, "log-file=stdout", "simple-log",
  ].join("\n"));
  const proc = spawn("turnserver", ["-c", conf], { stdio: "ignore" });
  await until("coturn", () => stunPing(port));
  return wrap(proc);
}

/** Starts Debian's redis-server on 127.0.0.1:`port`, without persistence. */
export async function startRedis(port: number): Promise<Proc> {
  const proc = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
  const { connect } = await import("node:net");
  await until("redis-server", () => new Promise<boolean>((resolve) => {
    const sock = connect(port, "127.0.0.1", () => sock.write("PING\r\n"));
    sock.on("data", (data) => { sock.destroy(); resolve(data.toString().startsWith("+PONG")); });
    sock.on("error", () => resolve(false));
  }));
  return wrap(proc);
}

/** A data folder holding `key` as its seat key: nodes of one deployment share it. */
export function nodeDataDir(key: Buffer): string {
  const dir = dataDir();
  writeFileSync(join(dir, "seat.key"), key);
  return dir;
}
