// Boots the face-reading Web Worker: the same WASM module as the page, entered through
// `vision_worker_start` (src/face/worker.rs) instead of `hydrate`.
import init, { vision_worker_start } from "/pkg/straightface.js";

await init({ module_or_path: "/pkg/straightface.wasm" });
vision_worker_start();
