// Median and spread (min–max) of each figure of a bench-signaling run, per server and phase.
import { readFileSync } from "node:fs";

const rows = readFileSync(process.argv[2], "utf8").trim().split("\n").map((l) => JSON.parse(l));
const groups = new Map();
for (const row of rows) {
  const key = `${row.phase} ${row.kind}${row.sockets ? ` ${row.sockets} sockets` : ` ${row.pairs} pairs`}`;
  if (!groups.has(key)) groups.set(key, []);
  groups.get(key).push(row);
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const figures = {
  idle: ["kb_per_socket", "join_s", "idle_cpu_pct", "rss_before_kb", "rss_joined_kb", "rss_after_close_kb"],
  relay: ["per_s", "cpu_ms_per_1000", "user_ms_per_1000", "system_ms_per_1000", "switches_per_message", "rtt_p50_ms", "rtt_p99_ms"],
  rtt: ["rtt_p50_ms", "rtt_p99_ms", "cpu_ms_per_1000"],
};
for (const [key, list] of [...groups].sort()) {
  const parts = figures[list[0].phase].map((f) => {
    const xs = list.map((r) => r[f]);
    return `${f} ${median(xs)} (${Math.min(...xs)}–${Math.max(...xs)})`;
  });
  console.log(`${key}, ${list.length} runs: ${parts.join(", ")}`);
}
