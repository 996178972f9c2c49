// Writes <file>.br (brotli, quality 11) and <file>.gz (gzip -9) beside every file in a folder,
// for the server to send as they are. Usage: node tools/precompress.mjs <folder>
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const dir = process.argv[2];
for (const name of readdirSync(dir)) {
  if (name.endsWith(".br") || name.endsWith(".gz")) continue;
  const bytes = readFileSync(join(dir, name));
  const br = brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      [constants.BROTLI_PARAM_LGWIN]: 24,
    },
  });
  writeFileSync(join(dir, `${name}.br`), br);
  writeFileSync(join(dir, `${name}.gz`), gzipSync(bytes, { level: 9 }));
  console.log(`${name}: ${bytes.length} B, brotli ${br.length} B`);
}
