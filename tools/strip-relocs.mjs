// Removes the linker's relocation sections (`linking`, `reloc.*`) from WASM files, in place.
// .cargo/config.toml keeps them in every WASM build because wasm-split needs them to cut the
// page's module; the engine's module is not split and would otherwise carry ~850 KB of them
// (wasm-bindgen and wasm-opt keep unknown custom sections). Usage: node tools/strip-relocs.mjs <file.wasm>…
import { readFileSync, writeFileSync } from "node:fs";

/** The module without its `linking` and `reloc.*` custom sections. */
export function stripRelocs(bytes) {
  const keep = [bytes.subarray(0, 8)];
  let i = 8;
  const leb = () => {
    let value = 0, shift = 0, byte;
    do {
      byte = bytes[i++];
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return value;
  };
  while (i < bytes.length) {
    const start = i;
    const id = bytes[i++];
    const length = leb();
    const end = i + length;
    let drop = false;
    if (id === 0) {
      const nameLength = leb();
      const name = bytes.subarray(i, i + nameLength).toString();
      drop = name === "linking" || name.startsWith("reloc.");
    }
    if (!drop) keep.push(bytes.subarray(start, end));
    i = end;
  }
  return Buffer.concat(keep);
}

for (const file of process.argv.slice(2)) {
  const before = readFileSync(file);
  const after = stripRelocs(before);
  writeFileSync(file, after);
  console.log(`${file}: ${before.length} → ${after.length} B`);
}
