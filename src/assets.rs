//! The site's static files as browsers should get them: content-hashed names cached for a year,
//! brotli or gzip files made at build time, everything else revalidated.
//!
//! `scripts/build-site` (and `cargo leptos` with `hash-files = true`) names the client
//! `pkg/straightface.<hash>.{js,wasm,css}` and writes the hashes to `hash.txt` beside the server
//! binary, where Leptos's `HydrationScripts` and `HashedStylesheet` read them. A release build also
//! writes `.br` and `.gz` beside each file, which `/pkg` serves to browsers that accept them, so
//! the server never compresses the same megabyte twice.
//!
//! The face engine is a module of its own, `pkg/straightface-engine.<hash>.{js,wasm}` (feature
//! `engine`; its hashes are the `engine_js` and `engine_wasm` lines of the same file), which only
//! the face worker loads. The worker's boot script names those hashed files, so it is made here
//! rather than shipped in `public/`. Where the site has no engine module (`cargo leptos watch`
//! builds one module with both features), the worker boots the page's module instead.

use axum::http::{header, HeaderValue, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::path::Path;

/// The file leptos reads the hashes from, beside the server binary.
pub const HASH_FILE: &str = "hash.txt";

/// For a content-hashed file: a year, never revalidated.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For everything whose name does not change with its content: ask every time (a `304` when
/// it has not changed).
pub const REVALIDATE: &str = "no-cache";

/// The suffix of the face engine module's file names: `straightface-engine.<hash>.wasm`.
pub const ENGINE_SUFFIX: &str = "-engine";

/// The content hashes of the client's files.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hashes {
    /// Of the page's JS glue.
    pub js: String,
    /// Of the page's WASM module.
    pub wasm: String,
    /// Of the stylesheet.
    pub css: String,
    /// Of the face engine's JS glue and WASM module, when it is built apart from the page.
    pub engine: Option<(String, String)>,
}

impl Hashes {
    /// Reads `js: …`, `wasm: …`, `css: …` lines (cargo-leptos's format) and, if both are there,
    /// `engine_js: …` and `engine_wasm: …`; `None` unless the first three are there and every
    /// value is a plain file-name part.
    pub fn parse(text: &str) -> Option<Self> {
        let mut hashes = Self::default();
        let (mut engine_js, mut engine_wasm) = (None, None);
        for (key, value) in text.lines().filter_map(|l| l.split_once(':')) {
            let value = value.trim();
            if value.is_empty()
                || !value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return None;
            }
            match key.trim() {
                "js" => hashes.js = value.to_owned(),
                "wasm" => hashes.wasm = value.to_owned(),
                "css" => hashes.css = value.to_owned(),
                "engine_js" => engine_js = Some(value.to_owned()),
                "engine_wasm" => engine_wasm = Some(value.to_owned()),
                _ => {}
            }
        }
        hashes.engine = engine_js.zip(engine_wasm);
        let complete = ![&hashes.js, &hashes.wasm, &hashes.css].iter().any(|h| h.is_empty());
        complete.then_some(hashes)
    }

    /// The hashes of the site in `site_root`, from `hash.txt` in `exe_dir`, if that file is
    /// there and the files it names are in `site_root/pkg` (a stale hash file is ignored with an
    /// error in the log, and the plain names are used).
    pub fn load(exe_dir: &Path, site_root: &Path, output_name: &str) -> Option<Self> {
        let text = std::fs::read_to_string(exe_dir.join(HASH_FILE)).ok()?;
        let hashes = Self::parse(&text)?;
        let pkg = site_root.join("pkg");
        let page = [("js", &hashes.js), ("wasm", &hashes.wasm), ("css", &hashes.css)]
            .map(|(ext, hash)| format!("{output_name}.{hash}.{ext}"));
        let engine = hashes.engine.iter().flat_map(|(js, wasm)| {
            [("js", js), ("wasm", wasm)]
                .map(|(ext, hash)| format!("{output_name}{ENGINE_SUFFIX}.{hash}.{ext}"))
        });
        let present = page.into_iter().chain(engine).all(|file| pkg.join(file).is_file());
        if !present {
            tracing::error!(
                hash_file = %exe_dir.join(HASH_FILE).display(),
                pkg = %pkg.display(),
                "the hash file names files the site does not have; rebuild the site"
            );
            return None;
        }
        Some(hashes)
    }
}

/// The face worker's boot script: the engine's module (or, without one, the page's), entered
/// through `vision_worker_start` (src/face/worker.rs).
pub fn worker_script(output_name: &str, hashes: Option<&Hashes>) -> String {
    let name = |suffix: &str, hash: Option<&String>, ext: &str| match hash {
        Some(hash) => format!("{output_name}{suffix}.{hash}.{ext}"),
        None => format!("{output_name}{suffix}.{ext}"),
    };
    let (js, wasm) = match hashes {
        Some(Hashes { engine: Some((js, wasm)), .. }) => {
            (name(ENGINE_SUFFIX, Some(js), "js"), name(ENGINE_SUFFIX, Some(wasm), "wasm"))
        }
        Some(h) => (name("", Some(&h.js), "js"), name("", Some(&h.wasm), "wasm")),
        None => (name("", None, "js"), name("", None, "wasm")),
    };
    format!(
        "// The face worker: the engine's WASM module, entered through vision_worker_start.\n\
         import init, {{ vision_worker_start }} from \"/pkg/{js}\";\n\
         await init({{ module_or_path: \"/pkg/{wasm}\" }});\n\
         vision_worker_start();\n"
    )
}

/// `GET /vision-worker.js` (`script` is made once, at start, and shared, not copied).
pub fn worker_response(script: axum::body::Bytes) -> Response {
    let headers = [
        (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
        (header::CACHE_CONTROL, REVALIDATE),
    ];
    (headers, script).into_response()
}

/// How long `/pkg` files may be cached: for ever when their names carry their hash.
pub fn pkg_cache_control(hashed: bool) -> HeaderValue {
    HeaderValue::from_static(if hashed { IMMUTABLE } else { REVALIDATE })
}

/// Gives every response that did not choose its own caching `no-cache`: pages, server
/// functions and the files in `public/` are revalidated, never used stale.
pub async fn revalidate_by_default(request: Request<axum::body::Body>, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(REVALIDATE));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_parse_from_cargo_leptos_format() {
        let text = "js: Ab12_-x\nwasm: 99ff\ncss: c0ffee\n";
        let hashes = Hashes::parse(text).unwrap();
        assert_eq!(
            (hashes.js.as_str(), hashes.wasm.as_str(), hashes.css.as_str()),
            ("Ab12_-x", "99ff", "c0ffee")
        );
    }

    #[test]
    fn an_incomplete_or_odd_hash_file_is_not_used() {
        assert_eq!(Hashes::parse("js: a\nwasm: b\n"), None);
        assert_eq!(Hashes::parse("js: a\nwasm: b\ncss: ../etc\n"), None);
        assert_eq!(Hashes::parse("js: a\nwasm: \ncss: c\n"), None);
        assert_eq!(Hashes::parse(""), None);
    }

    #[test]
    fn a_stale_hash_file_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(HASH_FILE), "js: a\nwasm: b\ncss: c\n").unwrap();
        let pkg = dir.path().join("site/pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        for file in ["app.a.js", "app.b.wasm"] {
            std::fs::write(pkg.join(file), "x").unwrap();
        }
        assert_eq!(Hashes::load(dir.path(), &dir.path().join("site"), "app"), None);
        std::fs::write(pkg.join("app.c.css"), "x").unwrap();
        assert!(Hashes::load(dir.path(), &dir.path().join("site"), "app").is_some());
    }

    #[test]
    fn the_worker_boots_the_hashed_module() {
        let mut hashes = Hashes::parse("js: j1\nwasm: w2\ncss: c3\n").unwrap();
        let script = worker_script("straightface", Some(&hashes));
        assert!(script.contains("from \"/pkg/straightface.j1.js\""));
        assert!(script.contains("module_or_path: \"/pkg/straightface.w2.wasm\""));
        assert!(worker_script("straightface", None).contains("\"/pkg/straightface.wasm\""));
        hashes.engine = Some(("e1".into(), "e2".into()));
        let script = worker_script("straightface", Some(&hashes));
        assert!(script.contains("from \"/pkg/straightface-engine.e1.js\""));
        assert!(script.contains("module_or_path: \"/pkg/straightface-engine.e2.wasm\""));
    }

    #[test]
    fn the_engine_module_is_named_in_the_hash_file_and_must_be_there() {
        let text = "js: a\nwasm: b\ncss: c\nengine_js: d\nengine_wasm: e\n";
        assert_eq!(Hashes::parse(text).unwrap().engine, Some(("d".into(), "e".into())));
        assert_eq!(Hashes::parse("js: a\nwasm: b\ncss: c\nengine_js: d\n").unwrap().engine, None);
        assert_eq!(
            Hashes::parse("js: a\nwasm: b\ncss: c\nengine_js: ../d\nengine_wasm: e\n"),
            None
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(HASH_FILE), text).unwrap();
        let pkg = dir.path().join("site/pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        for file in ["app.a.js", "app.b.wasm", "app.c.css", "app-engine.d.js"] {
            std::fs::write(pkg.join(file), "x").unwrap();
        }
        assert_eq!(Hashes::load(dir.path(), &dir.path().join("site"), "app"), None);
        std::fs::write(pkg.join("app-engine.e.wasm"), "x").unwrap();
        assert!(Hashes::load(dir.path(), &dir.path().join("site"), "app").is_some());
    }
}
