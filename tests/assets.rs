//! How the site's files and pages go out, over a real socket to the real server: `/pkg` sends
//! the brotli or gzip file made at build time to a browser that accepts it, pages and JSON are
//! compressed as they go out, WASM is never compressed per request, and caching headers say
//! which responses may be kept. (Content-hashed names, `immutable`, are checked by the e2e
//! suite and `scripts/bench-first-visit`, which run the built server beside its `hash.txt`.)

mod edge_support;

use edge_support::{connect_from, read_all, start, status};
use std::time::Duration;
use tokio::io::AsyncWriteExt;

const ME: &str = "127.0.0.1";

/// `GET path` with `Accept-Encoding: encoding`; the raw response (head and body).
async fn fetch(server: std::net::SocketAddr, path: &str, encoding: &str) -> String {
    let mut tcp = connect_from(ME, server).await;
    let head = format!(
        "GET {path} HTTP/1.1\r\nHost: test\r\nAccept-Encoding: {encoding}\r\nConnection: close\r\n\r\n"
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    read_all(&mut tcp, Duration::from_secs(10)).await
}

fn header<'a>(response: &'a str, name: &str) -> Option<&'a str> {
    let head = response.split("\r\n\r\n").next()?;
    head.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

/// The server on [`site`]; the folder lives as long as the returned guard.
async fn serve_site() -> (tempfile::TempDir, edge_support::Server) {
    let site = site();
    let server = start(&["--site-root", site.path().to_str().unwrap()]).await;
    (site, server)
}

/// A site folder with a client whose files have plain names, and a `.br`/`.gz` of the JS.
fn site() -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("straightface.js"), "export default 1;".repeat(100)).unwrap();
    std::fs::write(pkg.join("straightface.js.br"), "BROTLI").unwrap();
    std::fs::write(pkg.join("straightface.js.gz"), "GZIP").unwrap();
    std::fs::write(pkg.join("straightface.wasm"), vec![0u8; 64 * 1024]).unwrap();
    std::fs::write(pkg.join("straightface.css"), "body { color: red; }\n".repeat(100)).unwrap();
    site
}

#[tokio::test]
async fn precompressed_files_are_sent_to_browsers_that_accept_them() {
    let (_site, server) = serve_site().await;
    let br = fetch(server.addr, "/pkg/straightface.js", "gzip, deflate, br").await;
    assert_eq!(status(&br), 200, "{br}");
    assert_eq!(header(&br, "content-encoding"), Some("br"));
    assert!(br.ends_with("BROTLI"), "the file made at build time: {br}");
    assert!(header(&br, "content-type").is_some_and(|t| t.contains("javascript")), "{br}");
    let gz = fetch(server.addr, "/pkg/straightface.js", "gzip").await;
    assert_eq!((header(&gz, "content-encoding"), gz.ends_with("GZIP")), (Some("gzip"), true));
    let plain = fetch(server.addr, "/pkg/straightface.js", "identity").await;
    assert_eq!(header(&plain, "content-encoding"), None);
    assert!(plain.ends_with("export default 1;"));
    // Plain names may change content under the same name: revalidated, never kept stale.
    assert_eq!(header(&plain, "cache-control"), Some("no-cache"));
}

#[tokio::test]
async fn pages_are_compressed_and_wasm_is_not_compressed_per_request() {
    let (_site, server) = serve_site().await;
    let page = fetch(server.addr, "/r/abcdefghijklmnopqrstuv", "br").await;
    assert_eq!(status(&page), 200);
    assert_eq!(header(&page, "content-encoding"), Some("br"), "{page:.400}");
    assert_eq!(header(&page, "cache-control"), Some("no-cache"));
    let wasm = fetch(server.addr, "/pkg/straightface.wasm", "br, gzip").await;
    assert_eq!(status(&wasm), 200);
    assert_eq!(header(&wasm, "content-encoding"), None, "no .br was built for it");
    assert_eq!(header(&wasm, "content-type"), Some("application/wasm"));
    let css = fetch(server.addr, "/pkg/straightface.css", "gzip").await;
    assert_eq!(header(&css, "content-encoding"), Some("gzip"), "text without a .gz: on the fly");
    let missing = fetch(server.addr, "/pkg/straightface.0123.js", "br").await;
    assert_eq!(status(&missing), 404);
}

#[tokio::test]
async fn the_worker_script_names_the_module_it_boots() {
    let (_site, server) = serve_site().await;
    let worker = fetch(server.addr, "/vision-worker.js", "identity").await;
    assert_eq!(status(&worker), 200);
    assert!(header(&worker, "content-type").is_some_and(|t| t.starts_with("text/javascript")));
    assert!(worker.contains("from \"/pkg/straightface.js\""), "{worker}");
    assert!(worker.contains("vision_worker_start();"));
}
