//! HTTPS from certificate files over real sockets: served with rustls, swapped without a
//! restart when the files change or on SIGHUP, and the cleartext listener's redirect.

mod edge_support;

use edge_support::*;
use rustls::pki_types::{CertificateDer, ServerName};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

/// A self-signed certificate for `localhost`, written as PEM to `dir/{cert,key}.pem`
/// (through a rename, as a deploy tool would); returns its DER.
fn write_cert(dir: &Path) -> CertificateDer<'static> {
    let made = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    for (name, pem) in [("cert.pem", made.cert.pem()), ("key.pem", made.key_pair.serialize_pem())] {
        let tmp = dir.join(format!("{name}.tmp"));
        std::fs::write(&tmp, pem).unwrap();
        std::fs::rename(&tmp, dir.join(name)).unwrap();
    }
    made.cert.der().clone()
}

/// Connects over TLS trusting `roots`, sends `GET path`, and returns the certificate the
/// server presented and its answer.
async fn https_get(
    addr: std::net::SocketAddr,
    roots: &[CertificateDer<'static>],
    path: &str,
) -> (CertificateDer<'static>, String) {
    let mut store = rustls::RootCertStore::empty();
    for root in roots {
        store.add(root.clone()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(store)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let name = ServerName::try_from("localhost").unwrap();
    let mut tls = connector.connect(name, tcp).await.unwrap();
    let served = tls.get_ref().1.peer_certificates().unwrap()[0].clone().into_owned();
    let head = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    tls.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::io::AsyncReadExt::read_to_end(&mut tls, &mut answer);
    // A peer that closes without close_notify is fine here: the answer is what counts.
    let _ = tokio::time::timeout(Duration::from_secs(10), read).await.expect("answer in time");
    (served, String::from_utf8_lossy(&answer).into_owned())
}

fn tls_flags<'a>(cert: &'a str, key: &'a str, reload: &'a str) -> Vec<&'a str> {
    vec!["--tls-cert", cert, "--tls-key", key, "--tls-reload-secs", reload]
}

#[tokio::test]
async fn https_is_served_and_new_certificate_files_are_picked_up_without_restart() {
    let dir = tempfile::tempdir().unwrap();
    let first = write_cert(dir.path());
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let (cert, key) = (cert.to_str().unwrap(), key.to_str().unwrap());
    let server = start(&tls_flags(cert, key, "1")).await;

    let (served, answer) = https_get(server.addr, std::slice::from_ref(&first), "/healthz").await;
    assert_eq!(served, first);
    assert_eq!(status(&answer), 200, "{answer}");

    let second = write_cert(dir.path());
    let (roots, second) = (&[first.clone(), second.clone()], &second);
    let addr = server.addr;
    let swapped = eventually(Duration::from_secs(10), || async move {
        https_get(addr, roots, "/healthz").await.0 == *second
    })
    .await;
    assert!(swapped, "the replaced certificate was not served within 10 s");
}

#[tokio::test]
async fn sighup_reloads_the_certificate_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let first = write_cert(dir.path());
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let (cert, key) = (cert.to_str().unwrap(), key.to_str().unwrap());
    // Polling once an hour: only the signal can explain a swap within the test.
    let server = start(&tls_flags(cert, key, "3600")).await;
    assert_eq!(https_get(server.addr, std::slice::from_ref(&first), "/healthz").await.0, first);

    let second = write_cert(dir.path());
    let pid = std::process::id().to_string();
    let sent = std::process::Command::new("kill").args(["-HUP", &pid]).status().unwrap();
    assert!(sent.success());
    let (roots, second) = (&[first.clone(), second.clone()], &second);
    let addr = server.addr;
    let swapped = eventually(Duration::from_secs(5), || async move {
        https_get(addr, roots, "/healthz").await.0 == *second
    })
    .await;
    assert!(swapped, "SIGHUP did not swap the certificate");
}

#[tokio::test]
async fn the_cleartext_listener_redirects_to_the_https_public_url() {
    let dir = tempfile::tempdir().unwrap();
    write_cert(dir.path());
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let (cert, key) = (cert.to_str().unwrap(), key.to_str().unwrap());
    let mut flags = tls_flags(cert, key, "10");
    // A fixed port from this suite's range (3200-3299): the redirect listener's own address.
    flags.extend(["--http-bind", "127.0.0.1:3211", "--public-url", "https://meet.example"]);
    let _server = start(&flags).await;
    let to = "127.0.0.1:3211".parse().unwrap();
    let answer = eventually_answer(to, "/r/some-room-id-123?x=1").await;
    assert_eq!(status(&answer), 308, "{answer}");
    let lower = answer.to_ascii_lowercase();
    assert!(lower.contains("location: https://meet.example/r/some-room-id-123?x=1"), "{answer}");
}

/// `GET path` on `to` once its listener is up.
async fn eventually_answer(to: std::net::SocketAddr, path: &str) -> String {
    for _ in 0..100 {
        if let Ok(mut tcp) = tokio::net::TcpStream::connect(to).await {
            return get(&mut tcp, path).await;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("nothing listens on {to}");
}
