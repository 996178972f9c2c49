// Vision benchmark: per-frame milliseconds of our Rust→WASM (simd128) engine and of face-api.js
// 1.7.15 (tfjs `wasm` and `cpu` backends) in the same headless Chromium on the same RGBA pixels,
// per stage (detector @224, @416, expression net for one face); then output agreement and
// gzipped sizes (vision-report.mjs). Serves every file itself on loopback, port 0.
// Usage: node bench/vision.mjs <pkg dir> [timed frames, 21] [warm-up calls per turn, 2]
// where <pkg dir> holds straightface.js + straightface_bg.wasm (scripts/bench-vision builds it).
import { chromium } from "@playwright/test";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { existsSync, readFileSync } from "node:fs";
import { basename, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import os from "node:os";
import * as report from "./vision-report.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = resolve(here, "../..");
const pkgDir = resolve(process.argv[2] ?? join(root, "target/bench-vision/pkg"));
const timedFrames = Number(process.argv[3] ?? 21);
const warmup = Number(process.argv[4] ?? 2);

// URL prefix → directory; each is flat, so the server maps file names only.
const dirs = {
  "/pkg/": pkgDir,
  "/face-api/": join(root, "models/node_modules/@vladmandic/face-api/dist"),
  "/models/": join(root, "models/node_modules/@vladmandic/face-api/model"),
  "/tfjs-wasm/": join(root, "tools/node_modules/@tensorflow/tfjs-backend-wasm/dist"),
  "/frames/": join(root, "tests/fixtures/vision/images"),
  "/": here,
};
for (const [prefix, dir] of Object.entries(dirs)) {
  if (!existsSync(dir)) throw new Error(`${prefix}: ${dir} is missing (scripts/bench-vision installs it)`);
}
const types = {
  ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript",
  ".json": "application/json", ".wasm": "application/wasm", ".png": "image/png",
};

// ---------------------------------------------------------------- static server
const served = new Set();
const missing = new Set();
const server = createServer(async (req, res) => {
  const path = new URL(req.url, "http://x").pathname;
  const prefix = Object.keys(dirs).find((p) => path.startsWith(p));
  const name = path === "/" ? "vision.html" : path.slice(prefix.length);
  try {
    if (!name || name !== basename(name) || name.startsWith(".")) throw new Error("not a file name");
    const body = await readFile(join(dirs[prefix], name));
    served.add(path);
    const type = types[extname(name)] ?? "application/octet-stream";
    res.writeHead(200, { "content-type": type }).end(body);
  } catch {
    if (path !== "/favicon.ico") missing.add(path);
    res.writeHead(404).end();
  }
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const base = `http://127.0.0.1:${server.address().port}`;

// ---------------------------------------------------------------- page
// Frames: the golden PNGs (exact decoded pixels, SPEC §7) and golden's portrait crop of sample1.
const golden = JSON.parse(readFileSync(join(root, "tests/fixtures/vision/golden.json"), "utf8"));
const frameSpecs = golden.images.map((im) => {
  if (im.id !== "sample1_portrait_crop") return { id: im.id, url: `/frames/${im.id}.png` };
  const x0 = Number(/\[(\d+),/.exec(im.source ?? "")?.[1] ?? 300);
  return { id: im.id, url: "/frames/sample1.png", crop: [x0, 0, im.width, im.height] };
}).filter((s) => existsSync(join(dirs["/frames/"], basename(s.url))));

const args = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run"];
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const browser = await chromium.launch({ executablePath, args });
const page = await browser.newPage();
const pageErrors = [];
page.on("pageerror", (e) => pageErrors.push(String(e)));
page.on("console", (m) => {
  if (m.type() === "error" && !/status of 404/.test(m.text())) pageErrors.push(m.text());
});
await page.goto(base);
await page.waitForFunction(() => window.bench, null, { timeout: 60000 }).catch(() => {
  throw new Error(`the page did not start: ${pageErrors.join("; ")}`);
});
const info = await page.evaluate((specs) => window.bench.setup(specs), frameSpecs);
const frames = info.frames;
const goldenOf = (f) => golden.images.find((im) => im.id === frames[f].id);

const cpu = os.cpus();
console.log(`Chromium ${browser.version()} headless, ${cpu.length}× ${cpu[0]?.model.trim()}, ` +
  `load ${report.loadavg()}`);
const build = process.env.BENCH_VISION_BUILD;
console.log(`ours: ${pkgDir}${build ? ` (${build})` : ""}`);
console.log(`face-api ${info.faceapi}, tfjs ${info.tfjs}, crossOriginIsolated=${info.crossOriginIsolated}`);
for (const [i, f] of frames.entries()) {
  const same = f.rgbSha256 === goldenOf(i).decoded_rgb_sha256;
  console.log(`frame ${f.id} ${f.width}×${f.height}: canvas RGB ${same ? "=" : "DIFFERS from"} golden pixels`);
}

// ---------------------------------------------------------------- running
// Engines take turns in rounds of up to one pass over the frames, so a change in background load
// hits all three alike; each turn starts with `warmup` untimed calls (these also absorb tfjs
// moving the nets' weights to the backend just switched to).
const rounds = [];
for (let left = timedFrames, k = 0; left > 0; left -= frames.length) {
  rounds.push(Array.from({ length: Math.min(left, frames.length) }, () => k++ % frames.length));
}
console.log(`${timedFrames} timed frames per engine and stage in ${rounds.length} rounds, ` +
  `${warmup} untimed warm-up call(s) per engine per round\n`);

const call = (stage, frame) => page.evaluate(([s, f]) => window.bench.run(s, f), [stage, frame]);

async function turn(acc, frameList, stageOf) {
  acc.backend = await page.evaluate((e) => window.bench.use(e), acc.engine);
  const before = await page.evaluate(() => window.bench.tensors());
  for (let k = 0; k < warmup; k++) {
    const frame = frameList[k % frameList.length];
    await call(stageOf(frame), frame);
  }
  for (const frame of frameList) {
    const r = await call(stageOf(frame), frame);
    acc.ms.push(r.ms);
    acc.outs.push({ frame, out: r.out });
  }
  acc.leaked += (await page.evaluate(() => window.bench.release())) - before;
}

// The same box for both engines' expression stage: our best face at 416 (face-api's default
// size, where every frame has a face), computed once, untimed.
await page.evaluate(() => window.bench.use("ours"));
const boxes = [];
for (let f = 0; f < frames.length; f++) {
  boxes.push((await call({ kind: "detect", inputSize: 416 }, f)).out[0]?.box);
}

const stages = [
  { name: "detector @224", kind: "detect", of: () => ({ kind: "detect", inputSize: 224 }) },
  { name: "detector @416", kind: "detect", of: () => ({ kind: "detect", inputSize: 416 }) },
  { name: "expression (1 face)", kind: "expressions",
    of: (f) => ({ kind: "expressions", box: boxes[f] }) },
];
const engines = ["ours", "wasm", "cpu"];
const results = {};
for (const stage of stages) {
  const t0 = Date.now();
  const r = (results[stage.name] = {});
  for (const engine of engines) r[engine] = { engine, backend: "", ms: [], outs: [], leaked: 0 };
  for (const frameList of rounds) {
    for (const engine of engines) await turn(r[engine], frameList, stage.of);
  }
  process.stderr.write(`  ${stage.name}: ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}
await browser.close();
server.close();

// ---------------------------------------------------------------- report
report.timings(stages, results);
let ok = report.agreement(stages, results, frames);
ok = report.againstGolden(results, frames, goldenOf) && ok;
const tfjsWasm = [...served].filter((p) => p.startsWith("/tfjs-wasm/")).map((p) => basename(p));
console.log(`  tfjs wasm binary loaded: ${tfjsWasm.join(", ") || "none"}`);
report.sizes([
  ["ours: straightface_bg.wasm (release, wasm-opt -Oz)", join(pkgDir, "straightface_bg.wasm")],
  ["ours: straightface.js (wasm-bindgen glue)", join(pkgDir, "straightface.js")],
  ...["tiny_face_detector_model.bin", "face_expression_model.bin",
    "tiny_face_detector_model-weights_manifest.json", "face_expression_model-weights_manifest.json",
  ].map((f) => [`weights: ${f}`, join(dirs["/models/"], f)]),
  ["face-api: face-api.esm.js (bundles tfjs)", join(dirs["/face-api/"], "face-api.esm.js")],
  ...tfjsWasm.map((f) => [`face-api: ${f}`, join(dirs["/tfjs-wasm/"], f)]),
]);
if (missing.size) console.log(`\nnot found (404): ${[...missing].join(", ")}`);
if (pageErrors.length) console.log(`\npage errors: ${pageErrors.join("; ")}`);
console.log(`\noutputs ${ok ? "match" : "DO NOT match"}; load after ${report.loadavg()}`);
process.exitCode = ok ? 0 : 1;
