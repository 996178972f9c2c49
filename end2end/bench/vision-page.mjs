// The vision benchmark page (module script of vision.html): our engine (BenchEngine,
// src/face/bench.rs) and face-api.js 1.7.15 (its bundled tfjs 4.22, `wasm` or `cpu` backend) run
// the same stage on the same decoded RGBA pixels; each call returns its milliseconds and output.
// bench/vision.mjs drives it through `window.bench`, one call at a time.
import init, { BenchEngine } from "/pkg/straightface.js";
import * as faceapi from "/face-api/face-api.esm.js";

const MODEL_FILES = [
  "tiny_face_detector_model-weights_manifest.json",
  "tiny_face_detector_model.bin",
  "face_expression_model-weights_manifest.json",
  "face_expression_model.bin",
];
const LABELS = ["neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised"];
const tf = faceapi.tf;

let ours = null;
let frames = []; // { id, width, height, image: ImageData }
let current = { engine: null, frame: -1, tensor: null };

async function bytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function sha256Rgb(image) {
  const rgba = image.data;
  const rgb = new Uint8Array((rgba.length / 4) * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    rgb[j] = rgba[i]; rgb[j + 1] = rgba[i + 1]; rgb[j + 2] = rgba[i + 2];
  }
  const digest = await crypto.subtle.digest("SHA-256", rgb);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// Decodes a lossless PNG without colour management and reads the canvas's exact RGBA back
// (SPEC §9.1: both engines must see the same pixels). `crop` = [x, y, w, h] cuts a region 1:1.
async function decode({ id, url, crop }) {
  const blob = new Blob([await bytes(url)], { type: "image/png" });
  const options = { colorSpaceConversion: "none", premultiplyAlpha: "none" };
  const bitmap = await createImageBitmap(blob, options);
  const [sx, sy, w, h] = crop ?? [0, 0, bitmap.width, bitmap.height];
  const canvas = new OffscreenCanvas(w, h);
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  ctx.drawImage(bitmap, sx, sy, w, h, 0, 0, w, h);
  bitmap.close();
  const image = ctx.getImageData(0, 0, w, h);
  return { id, width: w, height: h, image };
}

/** Loads both engines and decodes the frames; returns what was loaded. */
async function setup(frameSpecs) {
  await init({ module_or_path: "/pkg/straightface_bg.wasm" });
  const files = await Promise.all(MODEL_FILES.map((f) => bytes(`/models/${f}`)));
  ours = new BenchEngine(files[0], files[1], files[2], files[3]);
  tf.setWasmPaths("/tfjs-wasm/");
  // Load the nets on the cpu backend; tfjs moves weights to another backend on first use,
  // which the warm-up calls absorb.
  await tf.setBackend("cpu");
  await tf.ready();
  await faceapi.nets.tinyFaceDetector.loadFromUri("/models");
  await faceapi.nets.faceExpressionNet.loadFromUri("/models");
  frames = [];
  for (const spec of frameSpecs) frames.push(await decode(spec));
  const hashes = [];
  for (const f of frames) hashes.push(await sha256Rgb(f.image));
  document.getElementById("status").textContent = "ready";
  return {
    frames: frames.map((f, i) => ({ id: f.id, width: f.width, height: f.height,
      rgbSha256: hashes[i] })),
    tfjs: tf.version.tfjs ?? tf.version_core,
    faceapi: faceapi.version,
    crossOriginIsolated: self.crossOriginIsolated,
  };
}

/** Switches to `engine` ("ours", "wasm" or "cpu"); returns the tfjs backend in use. */
async function use(engine) {
  current.tensor?.dispose();
  current = { engine, frame: -1, tensor: null };
  if (engine !== "ours") {
    if (!(await tf.setBackend(engine))) throw new Error(`tfjs backend ${engine} failed to start`);
    await tf.ready();
  }
  return engine === "ours" ? "ours" : tf.getBackend();
}

// The frame's input, prepared outside the timing: stored in BenchEngine, or a tfjs int32
// [H, W, 3] tensor (alpha dropped) on the current backend — face-api's tensor path (SPEC §3.1).
function load(frame) {
  if (current.frame === frame) return;
  const f = frames[frame];
  if (current.engine === "ours") {
    ours.set_frame(f.width, f.height, f.image.data);
  } else {
    current.tensor?.dispose();
    current.tensor = tf.browser.fromPixels(f.image);
  }
  current.frame = frame;
}

const rect = (b) => ({ x: b.x, y: b.y, width: b.width, height: b.height });

async function detectFaceApi(inputSize) {
  const options = new faceapi.TinyFaceDetectorOptions({ inputSize, scoreThreshold: 0.5 });
  const t0 = performance.now();
  const dets = await faceapi.detectAllFaces(current.tensor, options);
  const ms = performance.now() - t0;
  return { ms, out: dets.map((d) => ({ score: d.score, box: rect(d.box) })) };
}

async function expressionsFaceApi(box) {
  const t0 = performance.now();
  const r = new faceapi.Rect(box.x, box.y, box.width, box.height);
  const faces = await faceapi.extractFaceTensors(current.tensor, [r]);
  const net = faceapi.nets.faceExpressionNet;
  const expr = faces.length ? await net.predictExpressions(faces[0]) : null;
  faces.forEach((t) => t.dispose());
  const ms = performance.now() - t0;
  const crop = faces.length ? faces[0].shape : null; // [h, w, 3]
  return { ms, out: expr && { probs: LABELS.map((l) => expr[l]), cropSize: [crop[1], crop[0]] } };
}

/**
 * Runs one stage once on one frame with the current engine: `stage` is {kind: "detect",
 * inputSize} or {kind: "expressions", box: {x, y, width, height}} (frame pixels).
 * Returns {ms, out}; only the stage itself is timed.
 */
async function run(stage, frame) {
  load(frame);
  if (current.engine !== "ours") {
    return stage.kind === "detect" ? detectFaceApi(stage.inputSize) : expressionsFaceApi(stage.box);
  }
  let json;
  const t0 = performance.now();
  if (stage.kind === "detect") json = ours.detect(stage.inputSize);
  else json = ours.expressions(stage.box.x, stage.box.y, stage.box.width, stage.box.height);
  const ms = performance.now() - t0;
  const raw = JSON.parse(json);
  const out = stage.kind === "detect"
    ? raw.map((d) => ({ score: d.score, box: rect({ x: d.box[0], y: d.box[1], width: d.box[2],
      height: d.box[3] }) }))
    : raw && { probs: raw.probs, cropSize: [raw.crop[2], raw.crop[3]], crop: raw.crop };
  return { ms, out };
}

/** Live tensors (a leak check for the face-api side). */
const tensors = () => tf.memory().numTensors;

/** Drops the current frame's input tensor; returns the live tensors left. */
function release() {
  current.tensor?.dispose();
  current = { ...current, frame: -1, tensor: null };
  return tensors();
}

window.bench = { setup, use, run, tensors, release };
