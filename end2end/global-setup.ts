import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";

const here = __dirname;
const images = join(here, "../tests/fixtures/vision/images");
/** Fake-camera videos, made from the golden images' face boxes (see faces below). */
export const fixtures = join(here, ".fixtures");

/**
 * Faces cut from the golden images around a face box of golden.json, 16:9, scaled to 640x360
 * (a 16:9 camera; the app asks for the camera's own shape): happy = sample3 face 0 (face-api:
 * happy 1.00), neutral = sample5 face 4 (neutral 0.74; the crop holds no other face). A file is
 * remade when its recipe changes (the recipe is in its name).
 */
export const faces = {
  happy: { image: "sample3.png", crop: "700:394:817:194" },
  neutral: { image: "sample5.png", crop: "400:225:653:119" },
} as const;

export function facePath(name: keyof typeof faces): string {
  const { image, crop } = faces[name];
  return join(fixtures, `${name}-${image.replace(".png", "")}-${crop.replace(/:/g, "_")}.y4m`);
}

export default function globalSetup() {
  mkdirSync(fixtures, { recursive: true });
  for (const [name, { image, crop }] of Object.entries(faces)) {
    const out = facePath(name as keyof typeof faces);
    if (existsSync(out)) continue;
    execFileSync("ffmpeg", ["-loglevel", "error", "-y", "-loop", "1", "-i", join(images, image),
      "-vf", `crop=${crop},scale=640:360`, "-t", "1", "-r", "10", "-pix_fmt", "yuv420p", out]);
  }
}
