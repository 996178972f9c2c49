// The printed part of the vision benchmark (bench/vision.mjs): timing statistics and ratios,
// output agreement between the engines and with golden.json, and gzipped file sizes.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import os from "node:os";

const LABELS = ["neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised"];
/** SPEC §7.1 tolerances: scores, boxes (px), probabilities; counts, crops and argmax equal. */
const TOL = { score: 1e-4, box: 0.05, prob: 1e-4 };
const NAMES = { ours: "ours (Rust→WASM simd128)", wasm: "face-api tfjs wasm", cpu: "face-api tfjs cpu" };

export const loadavg = () => os.loadavg().map((l) => l.toFixed(2)).join(" ");

/** Median, min, p90 (nearest rank), max. */
export function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  const p90 = s[Math.min(s.length - 1, Math.ceil(0.9 * s.length) - 1)];
  return { n: s.length, median, min: s[0], p90, max: s.at(-1) };
}

const ms = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1)).padStart(7);

/** The per-stage table and, per stage, ours vs face-api's faster backend (medians). */
export function timings(stages, results) {
  console.log(`${"stage".padEnd(20)} ${"engine".padEnd(25)}   n  median     min     p90     max` +
    "  (ms per frame)");
  const ratios = [];
  for (const stage of stages) {
    const r = results[stage.name];
    for (const e of Object.keys(NAMES)) {
      const s = stats(r[e].ms);
      const note = e === "ours" ? "" : `  [tfjs backend: ${r[e].backend}]`;
      console.log(`${stage.name.padEnd(20)} ${NAMES[e].padEnd(25)} ${String(s.n).padStart(3)} ` +
        `${ms(s.median)} ${ms(s.min)} ${ms(s.p90)} ${ms(s.max)}${note}`);
    }
    const [o, w, c] = ["ours", "wasm", "cpu"].map((e) => stats(r[e].ms).median);
    const [best, fb] = w <= c ? ["wasm", w] : ["cpu", c];
    const verdict = fb >= o ? `ours ${(fb / o).toFixed(2)}× faster` : `ours ${(o / fb).toFixed(2)}× slower`;
    ratios.push(`${stage.name}: ours ${o.toFixed(1)} ms / face-api ${best} ${fb.toFixed(1)} ms ` +
      `= ${(o / fb).toFixed(2)} (${verdict}); face-api cpu ${c.toFixed(0)} ms = ${(c / o).toFixed(1)}× ours`);
  }
  console.log("\nRatios of medians, ours vs face-api's faster backend:");
  for (const line of ratios) console.log(`  ${line}`);
}

const argmax = (p) => p.indexOf(Math.max(...p));
const boxDiff = (a, b) => Math.max(Math.abs(a.x - b.x), Math.abs(a.y - b.y),
  Math.abs(a.width - b.width), Math.abs(a.height - b.height));

/** Worst differences of `theirs` (timed calls) against our output for the same frame. */
function compare(ours, theirs, kind) {
  const ref = new Map(ours.map((o) => [o.frame, o.out]));
  const d = { calls: 0, count: 0, top: 0, crop: 0, score: 0, box: 0, prob: 0, faces: 0 };
  for (const { frame, out } of theirs) {
    const mine = ref.get(frame);
    d.calls++;
    if (kind === "detect") {
      if (mine.length !== out.length) { d.count++; continue; }
      d.faces += out.length;
      mine.forEach((m, i) => {
        d.score = Math.max(d.score, Math.abs(m.score - out[i].score));
        d.box = Math.max(d.box, boxDiff(m.box, out[i].box));
      });
    } else if (!mine || !out) {
      if (!mine !== !out) d.count++;
    } else {
      d.faces++;
      if (argmax(mine.probs) !== argmax(out.probs)) d.top++;
      if (mine.cropSize.join() !== out.cropSize.join()) d.crop++;
      mine.probs.forEach((p, i) => { d.prob = Math.max(d.prob, Math.abs(p - out.probs[i])); });
    }
  }
  d.ok = !d.count && !d.top && !d.crop && d.score <= TOL.score && d.box <= TOL.box && d.prob <= TOL.prob;
  return d;
}

const e1 = (x) => x.toExponential(1);

/** Ours vs each face-api backend on every timed call; true when all stay within SPEC §7.1. */
export function agreement(stages, results, frames) {
  console.log("\nOutputs, ours vs face-api on every timed call (tolerances SPEC §7.1):");
  let ok = true;
  for (const stage of stages) {
    const r = results[stage.name];
    // Our repeats of one frame must be identical: the engine is deterministic.
    const first = new Map();
    const repeatable = r.ours.outs.every(({ frame, out }) => {
      const s = JSON.stringify(out);
      if (!first.has(frame)) first.set(frame, s);
      return first.get(frame) === s;
    });
    const perFrame = [...first.keys()].sort((a, b) => a - b).map((f) => {
      const out = JSON.parse(first.get(f));
      const what = stage.kind === "detect" ? out.length : out ? LABELS[argmax(out.probs)] : "-";
      return `${frames[f].id}:${what}`;
    });
    const of = stage.kind === "detect" ? "faces" : "top expression";
    console.log(`  ${stage.name}: ours ${of} per frame ${perFrame.join(" ")}; ` +
      `identical on repeats: ${repeatable ? "yes" : "NO"}`);
    ok &&= repeatable;
    for (const e of ["wasm", "cpu"]) {
      const d = compare(r.ours.outs, r[e].outs, stage.kind);
      ok &&= d.ok;
      const detail = stage.kind === "detect"
        ? `face count differs on ${d.count}/${d.calls} calls, max |Δscore| ${e1(d.score)}, ` +
          `max |Δbox| ${e1(d.box)} px over ${d.faces} faces`
        : `face missing ${d.count}, crop size differs ${d.crop}, top expression differs ` +
          `${d.top}/${d.calls}, max |Δprob| ${e1(d.prob)}`;
      const leak = r[e].leaked ? `, ${r[e].leaked} tfjs tensors leaked` : "";
      console.log(`    vs ${e.padEnd(4)}: ${d.ok ? "MATCH" : "DIFFER"} — ${detail}${leak}`);
    }
  }
  return ok;
}

/** Ours vs golden.json (face-api, cpu backend, in Node): faces @416 and @224, best face's
 * expressions @416. */
export function againstGolden(results, frames, goldenOf) {
  const d = { score: 0, box: 0, prob: 0, count: 0, top: 0, n: 0 };
  const byFrame = (stage) => new Map(results[stage].ours.outs.map((o) => [o.frame, o.out]));
  const [det224, det416, expr] = ["detector @224", "detector @416", "expression (1 face)"].map(byFrame);
  for (const f of frames.keys()) {
    const im = goldenOf(f);
    const pairs = [[det416.get(f), im.faces], [det224.get(f), im.detections_other_input_sizes?.["224"]]];
    for (const [got, want] of pairs) {
      if (!want || !got) continue;
      d.n++;
      if (got.length !== want.length) { d.count++; continue; }
      got.forEach((g, i) => {
        d.score = Math.max(d.score, Math.abs(g.score - want[i].score));
        d.box = Math.max(d.box, boxDiff(g.box, want[i].box));
      });
    }
    const e = expr.get(f);
    const want = im.faces[0]?.expression_probs;
    if (e && want) {
      if (argmax(e.probs) !== argmax(want)) d.top++;
      e.probs.forEach((p, i) => { d.prob = Math.max(d.prob, Math.abs(p - want[i])); });
    }
  }
  const ok = !d.count && !d.top && d.score <= TOL.score && d.box <= TOL.box && d.prob <= TOL.prob;
  console.log(`  ours vs golden.json (face-api cpu in Node): ${ok ? "MATCH" : "DIFFER"} — face count ` +
    `differs ${d.count}/${d.n}, max |Δscore| ${e1(d.score)}, max |Δbox| ${e1(d.box)} px, ` +
    `top expression differs ${d.top}, max |Δprob| ${e1(d.prob)}`);
  return ok;
}

/** Raw and gzip -9 size of each [label, file]. */
export function sizes(files) {
  console.log("\nDownload sizes (gzip -9):");
  for (const [label, file] of files) {
    const buf = readFileSync(file);
    const gz = gzipSync(buf, { level: 9 }).length;
    const kib = (n) => (n / 1024).toFixed(1).padStart(8);
    console.log(`  ${label.padEnd(52)} ${kib(buf.length)} KiB raw ${kib(gz)} KiB gz`);
  }
}
