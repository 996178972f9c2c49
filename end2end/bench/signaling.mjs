// Signaling load against one server: ours (`ours`, JSON over /ws) or the guide's socket.io
// server (`guide`). Measures from the outside, reading the server's /proc entry:
//   idle  — N sockets joined in rooms of two, pair after pair: KB of server RSS per socket,
//           seconds to connect and join them all, server CPU while they sit idle (over 30 s,
//           longer than either server's ping interval: socket.io's and ours are 25 s, and a
//           shorter window could miss every ping), and RSS a while after they all closed;
//   relay — P pairs bouncing an offer-sized signal back and forth for S seconds: messages per
//           second, server CPU ms per 1,000 relayed messages (and its user and system parts),
//           and the server's context switches per message;
//   rtt   — 50 pairs at 40 round trips a second: round-trip p50/p99.
// Prints one JSON line per phase. Usage:
//   node bench/signaling.mjs <ours|ours-1shard|ours-2nodes|guide> <base-urls> <server-pids> <phase> [args…]
//     (several nodes: comma-separated URLs and pids; a pair's second member uses the second URL,
//     and RSS and CPU are the sum over the pids)
//     idle <sockets> [settle-seconds]   relay <pairs> <seconds>   rtt <pairs> <seconds>
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import WebSocket from "ws";

const require = createRequire(import.meta.url);
const [kind, baseArg, pidArg, phase, ...args] = process.argv.slice(2);
const bases = baseArg.split(",");
const base = bases[0];
const pids = pidArg.split(",").map(Number);
const TICK = 100; // clock ticks per second (USER_HZ on Linux)

const sum = (f) => pids.reduce((total, pid) => total + f(pid), 0);
function rssKb() {
  return sum((pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]));
}
/// Server CPU so far, in ms: user and system time apart ([user, system]).
function cpuSplitMs() {
  return pids.reduce(([u, k], pid) => {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return [u + (Number(fields[11]) * 1000) / TICK, k + (Number(fields[12]) * 1000) / TICK];
  }, [0, 0]);
}
function cpuMs() {
  const [user, system] = cpuSplitMs();
  return user + system;
}
/// Context switches of every thread of the servers so far (voluntary and not).
function switches() {
  return sum((pid) => readdirSync(`/proc/${pid}/task`).reduce((total, tid) => {
    const status = readFileSync(`/proc/${pid}/task/${tid}/status`, "utf8");
    return total + [...status.matchAll(/ctxt_switches:\s+(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
  }, 0));
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const roomId = () => Array.from({ length: 22 }, () => "abcdefghijklmnopqrstuvwxyz0123456789"[Math.floor(Math.random() * 36)]).join("");
// Loopback has one address per 20,000 sockets, so the ephemeral ports of one pair of addresses
// never run out.
const localAddress = (i) => `127.0.${Math.floor(i / 20000)}.1`;
const SDP = "v=0\r\n" + "a=candidate:1 1 udp 2122260223 192.168.1.20 54321 typ host generation 0\r\n".repeat(40);

/// One client of our server: JSON messages, a queue of what arrived.
class Ours {
  constructor(ws) {
    this.ws = ws;
    this.waiters = [];
    this.onSignal = null;
    ws.on("message", (data) => {
      const msg = JSON.parse(data.toString());
      if (msg.type === "signal" && this.onSignal) return this.onSignal(msg);
      const i = this.waiters.findIndex((w) => w.type === msg.type);
      if (i >= 0) this.waiters.splice(i, 1)[0].resolve(msg);
    });
  }
  static async connect(i, room, node = base) {
    // The socket the app opens: the room in the address, so it goes straight to its shard.
    const url = `${node.replace(/^http/, "ws")}/ws/${room}`;
    const ws = new WebSocket(url, { localAddress: localAddress(i), perMessageDeflate: false, headers: { origin: node } });
    await new Promise((res, rej) => { ws.once("open", res); ws.once("error", rej); });
    return new Ours(ws);
  }
  next(type) { return new Promise((resolve) => this.waiters.push({ type, resolve })); }
  send(msg) { this.ws.send(JSON.stringify(msg)); }
  async join(room, name) {
    const welcome = this.next("welcome");
    this.send({ type: "join", room, name });
    this.id = (await welcome).you;
  }
  signal(to) { this.send({ type: "signal", to, signal: { kind: "description", sdp_type: "offer", sdp: SDP } }); }
  close() { this.ws.terminate(); }
}

/// One client of the guide's server (socket.io over its WebSocket transport).
class Guide {
  constructor(socket) { this.socket = socket; this.onSignal = null; socket.on("offer", (m) => this.onSignal && this.onSignal(m)); }
  static async connect(i) {
    const { io } = require("socket.io-client");
    const socket = io(base, { transports: ["websocket"], localAddress: localAddress(i), forceNew: true, reconnection: false });
    await new Promise((res, rej) => { socket.once("connect", res); socket.once("connect_error", rej); });
    const c = new Guide(socket);
    c.id = socket.id;
    return c;
  }
  async joinPair(other, room) {
    const created = new Promise((r) => this.socket.once("room-created", r));
    this.socket.emit("create-room", room);
    await created;
    const joined = new Promise((r) => this.socket.once("user-joined", r));
    other.socket.emit("join-room", room);
    await joined;
  }
  signal(to) { this.socket.emit("offer", { target: to, offer: { type: "offer", sdp: SDP } }); }
  close() { this.socket.disconnect(); }
}

async function pair(i) {
  const room = roomId();
  if (kind.startsWith("ours")) {
    const a = await Ours.connect(2 * i, room);
    const b = await Ours.connect(2 * i + 1, room, bases[1 % bases.length]);
    await a.join(room, "a");
    const told = a.next("peer_joined");
    await b.join(room, "b");
    await told;
    return [a, b];
  }
  const a = await Guide.connect(2 * i);
  const b = await Guide.connect(2 * i + 1);
  await a.joinPair(b, room);
  return [a, b];
}

const IDLE_WINDOW_MS = 30_000;

async function idle(sockets, settle) {
  const before = rssKb();
  const t0 = performance.now();
  const pairs = [];
  for (let i = 0; i < sockets / 2; i++) pairs.push(await pair(i));
  const joinS = (performance.now() - t0) / 1000;
  await sleep(2000);
  const joined = rssKb();
  const c0 = cpuMs();
  await sleep(IDLE_WINDOW_MS);
  const idleCpuPct = ((cpuMs() - c0) / IDLE_WINDOW_MS) * 100;
  for (const [a, b] of pairs) { a.close(); b.close(); }
  await sleep(settle * 1000);
  const after = rssKb();
  return { phase: "idle", kind, sockets, join_s: +joinS.toFixed(2), rss_before_kb: before, rss_joined_kb: joined,
    kb_per_socket: +((joined - before) / sockets).toFixed(2), idle_cpu_pct: +idleCpuPct.toFixed(2),
    rss_after_close_kb: after, settle_s: settle };
}

/// `pairs` pairs bounce a signal; each side answers what it got at once, at most `rate` a
/// second per pair (0: as fast as they come). Returns counts and the round-trip times.
async function bounce(pairs, seconds, rate) {
  const all = [];
  for (let i = 0; i < pairs; i++) all.push(await pair(i));
  await sleep(500);
  let relayed = 0;
  const rtts = [];
  let running = true;
  const [u0, k0] = cpuSplitMs();
  const s0 = switches();
  const t0 = performance.now();
  for (const [a, b] of all) {
    let sentAt = 0;
    const fire = () => { if (running) { sentAt = performance.now(); a.signal(b.id); } };
    b.onSignal = () => { relayed++; if (running) b.signal(a.id); };
    a.onSignal = () => {
      relayed++;
      rtts.push(performance.now() - sentAt);
      if (!rate) return fire();
      setTimeout(fire, Math.max(0, 1000 / rate - (performance.now() - sentAt)));
    };
    fire();
  }
  await sleep(seconds * 1000);
  running = false;
  const elapsed = (performance.now() - t0) / 1000;
  const [u1, k1] = cpuSplitMs();
  const [user, system] = [u1 - u0, k1 - k0];
  const cpu = user + system;
  const perMessage = (x) => +((x / relayed) * 1000).toFixed(2);
  const ctx = switches() - s0;
  for (const [a, b] of all) { a.close(); b.close(); }
  rtts.sort((x, y) => x - y);
  const pct = (p) => +(rtts[Math.min(rtts.length - 1, Math.floor(p * rtts.length))] || 0).toFixed(2);
  return { relayed, per_s: Math.round(relayed / elapsed), cpu_ms_per_1000: perMessage(cpu),
    user_ms_per_1000: perMessage(user), system_ms_per_1000: perMessage(system),
    switches_per_message: +(ctx / relayed).toFixed(2), rtt_p50_ms: pct(0.5), rtt_p99_ms: pct(0.99) };
}

let result;
if (phase === "idle") result = await idle(Number(args[0]), Number(args[1] ?? 60));
else if (phase === "relay") result = { phase, kind, pairs: Number(args[0]), ...(await bounce(Number(args[0]), Number(args[1]), 0)) };
else if (phase === "rtt") result = { phase, kind, pairs: Number(args[0]), ...(await bounce(Number(args[0]), Number(args[1]), 40)) };
else throw new Error(`unknown phase ${phase}`);
console.log(JSON.stringify(result));
process.exit(0);
