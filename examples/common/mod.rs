//! What the examples share: where the weights are, reading them, and the fixture PNGs.

use std::path::{Path, PathBuf};

pub fn models_dir() -> PathBuf {
    std::env::var_os("STRAIGHTFACE_MODELS_DIR").map(PathBuf::from).unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("models/node_modules/@vladmandic/face-api/model")
    })
}

pub fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| {
        eprintln!(
            "{}: {e}\nRun `npm install --prefix models` first (or set STRAIGHTFACE_MODELS_DIR).",
            dir.join(name).display()
        );
        std::process::exit(2)
    })
}

pub fn load_png(path: &Path) -> (usize, usize, Vec<u8>) {
    let file = std::fs::File::open(path).expect("open image");
    let mut reader = png::Decoder::new(std::io::BufReader::new(file)).read_info().expect("png");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("png frame");
    assert_eq!(info.color_type, png::ColorType::Rgb);
    buf.truncate(info.buffer_size());
    (info.width as usize, info.height as usize, buf)
}
