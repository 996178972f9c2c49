//! The signaling socket's WebSocket (RFC 6455, server side), written for many sockets that are
//! mostly idle. tungstenite keeps a read buffer per socket whose size is also the most it reads
//! at a time (so 1 KiB cost four reads per offer-sized message, and a larger buffer cost its size
//! on every idle socket, growing for good to the largest message read), plus a write buffer kept
//! at the largest frame written. Here a socket reads into a buffer on the stack, keeps bytes only
//! while a frame is incomplete, and keeps an encoded frame only until it is written: an idle
//! socket holds no buffer at all.
//!
//! [`Upgrade`] is the extractor (the HTTP/1.1 handshake); [`Socket`] is a `Stream` of axum's
//! [`Message`]s and a `Sink` for them, like axum's `WebSocket`, so the socket loop and its tests
//! are unchanged. No extensions are offered (no permessage-deflate).

use super::server::TRANSPORT_LIMIT;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes};
use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::{Sink, Stream};
use hyper::upgrade::{OnUpgrade, Upgraded};
use hyper_util::rt::TokioIo;
use std::future::Future;
use std::io;
use std::mem::MaybeUninit;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// What one read takes at most: an offer-sized message in one system call. It lives on the
/// stack of the read, not in the socket.
const READ_CHUNK: usize = 16 * 1024;
/// Control frames carry at most this much (RFC 6455 §5.5).
const MAX_CONTROL: usize = 125;

/// A browser's signaling socket, as served.
pub type BrowserSocket = Socket<TokioIo<Upgraded>>;

/// Why a request could not be upgraded to a WebSocket.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum UpgradeRejection {
    #[error("a WebSocket handshake is a GET request")]
    Method,
    #[error("not a WebSocket handshake (Connection: upgrade and Upgrade: websocket)")]
    NotUpgrade,
    #[error("only WebSocket version 13 is spoken here")]
    Version,
    #[error("the handshake has no Sec-WebSocket-Key")]
    Key,
    #[error("this connection cannot be upgraded")]
    NotUpgradable,
}

impl IntoResponse for UpgradeRejection {
    fn into_response(self) -> Response {
        let status = match self {
            Self::Method => StatusCode::METHOD_NOT_ALLOWED,
            Self::NotUpgradable => StatusCode::UPGRADE_REQUIRED,
            Self::NotUpgrade | Self::Version | Self::Key => StatusCode::BAD_REQUEST,
        };
        let mut response = (status, self.to_string()).into_response();
        if self == Self::Version {
            response.headers_mut().insert("sec-websocket-version", HeaderValue::from_static("13"));
        }
        response
    }
}

/// A checked WebSocket handshake, ready to be answered with `101 Switching Protocols`. Its
/// socket ends with an error on a message (or frame) above [`TRANSPORT_LIMIT`]; between the
/// protocol's 64 KiB and that, the hub answers with a proper close.
pub struct Upgrade {
    accept: HeaderValue,
    on_upgrade: OnUpgrade,
}

impl<S: Send + Sync> FromRequestParts<S> for Upgrade {
    type Rejection = UpgradeRejection;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let key = handshake_key(&parts.method, &parts.headers)?;
        let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes());
        let accept = HeaderValue::from_str(&accept).map_err(|_| UpgradeRejection::Key)?;
        let on_upgrade =
            parts.extensions.remove::<OnUpgrade>().ok_or(UpgradeRejection::NotUpgradable)?;
        Ok(Self { accept, on_upgrade })
    }
}

/// The `Sec-WebSocket-Key` of a well-formed handshake.
fn handshake_key<'h>(
    method: &Method,
    headers: &'h HeaderMap,
) -> Result<&'h HeaderValue, UpgradeRejection> {
    if method != Method::GET {
        return Err(UpgradeRejection::Method);
    }
    let has_token = |name: header::HeaderName, token: &str| {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
    };
    if !has_token(header::CONNECTION, "upgrade") || !has_token(header::UPGRADE, "websocket") {
        return Err(UpgradeRejection::NotUpgrade);
    }
    if headers.get(header::SEC_WEBSOCKET_VERSION).is_none_or(|v| v != "13") {
        return Err(UpgradeRejection::Version);
    }
    headers.get(header::SEC_WEBSOCKET_KEY).ok_or(UpgradeRejection::Key)
}

impl Upgrade {
    /// Answers the handshake and serves the socket with `serve` once the connection switched.
    pub fn on_upgrade<F, Fut>(self, serve: F) -> Response
    where
        F: FnOnce(BrowserSocket) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let Self { accept, on_upgrade } = self;
        tokio::spawn(async move {
            if let Ok(upgraded) = on_upgrade.await {
                serve(Socket::new(TokioIo::new(upgraded), TRANSPORT_LIMIT)).await;
            }
        });
        let mut response = StatusCode::SWITCHING_PROTOCOLS.into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
        headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
        headers.insert(header::SEC_WEBSOCKET_ACCEPT, accept);
        response
    }
}

/// What went wrong on a socket; the socket is done after any of these.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WireError {
    #[error("protocol error: {0}")]
    Protocol(&'static str),
    #[error("a text message that is not UTF-8")]
    NotUtf8,
    #[error("a message longer than {0} bytes")]
    TooLong(usize),
    #[error("the connection ended in the middle of a frame")]
    Truncated,
}

impl WireError {
    /// The close code that says so (RFC 6455 §7.4.1).
    fn code(&self) -> u16 {
        match self {
            Self::Protocol(_) | Self::Truncated => 1002,
            Self::NotUtf8 => 1007,
            Self::TooLong(_) => 1009,
        }
    }
}

/// One client frame's header, parsed.
#[derive(Debug, PartialEq, Eq)]
struct Head {
    fin: bool,
    opcode: u8,
    mask: [u8; 4],
    /// Where the payload starts and ends in the bytes parsed.
    start: usize,
    end: usize,
}

/// The first frame in `bytes`: `None` until all of it is there. Checks what RFC 6455 asks of a
/// client's frame before its payload is waited for, so an over-long one is refused at once.
fn frame_in(bytes: &[u8], max: usize) -> Result<Option<Head>, WireError> {
    let [b0, b1, ..] = *bytes else { return Ok(None) };
    if b0 & 0x70 != 0 {
        return Err(WireError::Protocol("reserved bits set, and no extension was agreed"));
    }
    let (fin, opcode) = (b0 & 0x80 != 0, b0 & 0x0f);
    if b1 & 0x80 == 0 {
        return Err(WireError::Protocol("a client's frame must be masked"));
    }
    let (len, at) = match b1 & 0x7f {
        126 => match bytes.get(2..4) {
            Some(b) => (u64::from(u16::from_be_bytes([b[0], b[1]])), 4),
            None => return Ok(None),
        },
        127 => match bytes.get(2..10) {
            Some(b) => (u64::from_be_bytes(b.try_into().unwrap_or_default()), 10),
            None => return Ok(None),
        },
        n => (u64::from(n), 2),
    };
    if opcode & 0x08 != 0 && (!fin || len > MAX_CONTROL as u64) {
        return Err(WireError::Protocol("a control frame must be whole and short"));
    }
    let len = usize::try_from(len).ok().filter(|&l| l <= max).ok_or(WireError::TooLong(max))?;
    let Some(mask) = bytes.get(at..at + 4) else { return Ok(None) };
    let (start, end) = (at + 4, at + 4 + len);
    if bytes.len() < end {
        return Ok(None);
    }
    Ok(Some(Head { fin, opcode, mask: [mask[0], mask[1], mask[2], mask[3]], start, end }))
}

/// The frame of `opcode` carrying `payload`, as a server sends it (unmasked).
fn encode(opcode: u8, payload: &[u8], into: &mut Vec<u8>) {
    into.reserve(payload.len() + 10);
    into.push(0x80 | opcode);
    match payload.len() {
        n @ 0..=125 => into.push(n as u8),
        n @ 126..=0xffff => {
            into.push(126);
            into.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            into.push(127);
            into.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    into.extend_from_slice(payload);
}

/// A close frame's payload: the code, then the reason cut to fit a control frame.
fn close_payload(code: u16, reason: &str) -> Vec<u8> {
    let mut cut = reason.len().min(MAX_CONTROL - 2);
    while !reason.is_char_boundary(cut) {
        cut -= 1;
    }
    [&code.to_be_bytes()[..], &reason.as_bytes()[..cut]].concat()
}

/// A message being assembled from fragments.
struct Fragments {
    text: bool,
    payload: Vec<u8>,
}

/// A server-side WebSocket over `io`. Holds bytes only while a frame is incomplete or a frame
/// is being written.
pub struct Socket<IO> {
    io: IO,
    /// Bytes read past the last whole frame (empty, unallocated, between messages).
    read: Vec<u8>,
    /// A fragmented message so far.
    fragments: Option<Box<Fragments>>,
    /// Encoded frames not yet written, from `written` on (empty, unallocated, when idle).
    write: Vec<u8>,
    written: usize,
    max_message: usize,
    /// The peer closed, the connection ended, or a protocol error ended it: no more reads.
    done: bool,
    /// Our close frame is queued: no more frames after it.
    close_sent: bool,
}

impl<IO: AsyncRead + AsyncWrite + Unpin> Socket<IO> {
    /// A socket on a connection that already switched protocols.
    pub fn new(io: IO, max_message: usize) -> Self {
        Self {
            io,
            read: Vec::new(),
            fragments: None,
            write: Vec::new(),
            written: 0,
            max_message,
            done: false,
            close_sent: false,
        }
    }

    /// Queues a frame; after our close, nothing more.
    fn queue(&mut self, opcode: u8, payload: &[u8]) {
        if self.close_sent {
            return;
        }
        self.close_sent = opcode == 0x8;
        encode(opcode, payload, &mut self.write);
    }

    /// Writes what is queued; the buffer goes back once it is all out.
    fn poll_write_out(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.written < self.write.len() {
            let n = ready!(Pin::new(&mut self.io).poll_write(cx, &self.write[self.written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.written += n;
        }
        self.write = Vec::new();
        self.written = 0;
        Poll::Ready(Ok(()))
    }

    /// A frame the socket answers by itself (a pong, a close) goes out now if it can; else
    /// with the next write.
    fn answer(&mut self, cx: &mut Context<'_>, opcode: u8, payload: &[u8]) {
        self.queue(opcode, payload);
        if let Poll::Ready(Ok(())) = self.poll_write_out(cx) {
            let _ = Pin::new(&mut self.io).poll_flush(cx);
        }
    }

    /// Ends the socket over `error`, telling the peer why if the connection lets us.
    fn fail(
        &mut self,
        cx: &mut Context<'_>,
        error: WireError,
    ) -> Poll<Option<Result<Message, axum::Error>>> {
        self.done = true;
        self.read = Vec::new();
        self.fragments = None;
        self.answer(cx, 0x8, &close_payload(error.code(), &error.to_string()));
        Poll::Ready(Some(Err(axum::Error::new(error))))
    }

    /// What a whole frame means: a message for the caller, or nothing yet (a fragment).
    fn on_frame(
        &mut self,
        cx: &mut Context<'_>,
        fin: bool,
        opcode: u8,
        payload: Vec<u8>,
    ) -> Result<Option<Message>, WireError> {
        let whole = match (opcode, self.fragments.as_mut()) {
            (0x1 | 0x2, Some(_)) => {
                return Err(WireError::Protocol("a new message inside a fragmented one"))
            }
            (0x1 | 0x2, None) if fin => (opcode == 0x1, payload),
            (0x1 | 0x2, None) => {
                self.fragments = Some(Box::new(Fragments { text: opcode == 0x1, payload }));
                return Ok(None);
            }
            (0x0, None) => return Err(WireError::Protocol("a continuation of nothing")),
            (0x0, Some(so_far)) => {
                if so_far.payload.len() + payload.len() > self.max_message {
                    return Err(WireError::TooLong(self.max_message));
                }
                so_far.payload.extend_from_slice(&payload);
                if !fin {
                    return Ok(None);
                }
                let Fragments { text, payload } = *self.fragments.take().expect("matched Some");
                (text, payload)
            }
            (0x8, _) => return self.on_close(cx, &payload).map(Some),
            (0x9, _) => {
                self.answer(cx, 0xA, &payload);
                return Ok(Some(Message::Ping(payload.into())));
            }
            (0xA, _) => return Ok(Some(Message::Pong(payload.into()))),
            _ => return Err(WireError::Protocol("an unknown opcode")),
        };
        Ok(Some(match whole {
            (true, bytes) => {
                let text = String::from_utf8(bytes).map_err(|_| WireError::NotUtf8)?;
                Message::Text(Utf8Bytes::from(text))
            }
            (false, bytes) => Message::Binary(bytes.into()),
        }))
    }

    /// The peer closes: its close is echoed, and nothing more is read.
    fn on_close(&mut self, cx: &mut Context<'_>, payload: &[u8]) -> Result<Message, WireError> {
        let frame = match payload {
            [] => None,
            [_] => return Err(WireError::Protocol("a close frame with half a code")),
            [hi, lo, reason @ ..] => {
                let reason = std::str::from_utf8(reason).map_err(|_| WireError::NotUtf8)?;
                Some(CloseFrame { code: u16::from_be_bytes([*hi, *lo]), reason: reason.into() })
            }
        };
        self.done = true;
        self.read = Vec::new();
        let echo = frame.as_ref().map_or_else(Vec::new, |f| close_payload(f.code, ""));
        self.answer(cx, 0x8, &echo);
        Ok(Message::Close(frame))
    }

    /// The next whole frame from the bytes kept plus `fresh`; what is left of them is kept.
    fn next_frame(&mut self, fresh: &[u8]) -> Result<Option<(Head, Vec<u8>)>, WireError> {
        if self.read.is_empty() {
            // Straight from what was just read: most messages arrive whole in one read.
            let head = frame_in(fresh, self.max_message)?;
            let end = head.as_ref().map_or(0, |h| h.end);
            let frame = head.map(|h| {
                let payload = unmask(&fresh[h.start..h.end], h.mask);
                (h, payload)
            });
            self.read.extend_from_slice(&fresh[end..]);
            return Ok(frame);
        }
        self.read.extend_from_slice(fresh);
        let Some(head) = frame_in(&self.read, self.max_message)? else { return Ok(None) };
        let payload = unmask(&self.read[head.start..head.end], head.mask);
        self.read.drain(..head.end);
        if self.read.is_empty() {
            self.read = Vec::new();
        }
        Ok(Some((head, payload)))
    }
}

/// A client's payload, unmasked.
fn unmask(masked: &[u8], mask: [u8; 4]) -> Vec<u8> {
    let mut bytes = masked.to_vec();
    let mut words = bytes.chunks_exact_mut(4);
    for word in &mut words {
        for (b, m) in word.iter_mut().zip(mask) {
            *b ^= m;
        }
    }
    for (b, m) in words.into_remainder().iter_mut().zip(mask) {
        *b ^= m;
    }
    bytes
}

impl<IO: AsyncRead + AsyncWrite + Unpin> Stream for Socket<IO> {
    type Item = Result<Message, axum::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        // Frames already read come first.
        if let Some(ready) = this.deliver(cx, &[]) {
            return ready;
        }
        // Not zeroed: a read fills what it returns.
        let mut chunk = [const { MaybeUninit::<u8>::uninit() }; READ_CHUNK];
        loop {
            let mut buf = ReadBuf::uninit(&mut chunk);
            if let Err(e) = ready!(Pin::new(&mut this.io).poll_read(cx, &mut buf)) {
                this.done = true;
                return Poll::Ready(Some(Err(axum::Error::new(e))));
            }
            if buf.filled().is_empty() {
                this.done = true;
                let cut = !this.read.is_empty() || this.fragments.is_some();
                this.read = Vec::new();
                return Poll::Ready(cut.then(|| Err(axum::Error::new(WireError::Truncated))));
            }
            if let Some(ready) = this.deliver(cx, buf.filled()) {
                return ready;
            }
        }
    }
}

impl<IO: AsyncRead + AsyncWrite + Unpin> Socket<IO> {
    /// The next message from the bytes kept plus `fresh`, if they hold one (or the socket is
    /// done); `None` when more must be read.
    fn deliver(
        &mut self,
        cx: &mut Context<'_>,
        mut fresh: &[u8],
    ) -> Option<Poll<Option<Result<Message, axum::Error>>>> {
        loop {
            if self.done {
                return Some(Poll::Ready(None));
            }
            let frame = match self.next_frame(fresh) {
                Ok(frame) => frame?,
                Err(error) => return Some(self.fail(cx, error)),
            };
            fresh = &[];
            match self.on_frame(cx, frame.0.fin, frame.0.opcode, frame.1) {
                Ok(Some(message)) => return Some(Poll::Ready(Some(Ok(message)))),
                Ok(None) => continue,
                Err(error) => return Some(self.fail(cx, error)),
            }
        }
    }
}

impl<IO: AsyncRead + AsyncWrite + Unpin> Sink<Message> for Socket<IO> {
    type Error = axum::Error;

    fn poll_ready(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.get_mut().poll_write_out(cx).map_err(axum::Error::new)
    }

    fn start_send(self: Pin<&mut Self>, message: Message) -> Result<(), Self::Error> {
        let this = self.get_mut();
        match message {
            Message::Text(text) => this.queue(0x1, text.as_str().as_bytes()),
            Message::Binary(bytes) => this.queue(0x2, &bytes),
            Message::Ping(bytes) => this.queue(0x9, &bytes[..bytes.len().min(MAX_CONTROL)]),
            Message::Pong(bytes) => this.queue(0xA, &bytes[..bytes.len().min(MAX_CONTROL)]),
            Message::Close(None) => this.queue(0x8, &[]),
            Message::Close(Some(frame)) => {
                this.queue(0x8, &close_payload(frame.code, frame.reason.as_str()))
            }
        }
        Ok(())
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        let this = self.get_mut();
        ready!(this.poll_write_out(cx)).map_err(axum::Error::new)?;
        Pin::new(&mut this.io).poll_flush(cx).map_err(axum::Error::new)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        let this = self.get_mut();
        ready!(this.poll_write_out(cx)).map_err(axum::Error::new)?;
        Pin::new(&mut this.io).poll_shutdown(cx).map_err(axum::Error::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::{SinkExt, StreamExt};
    use tokio::io::{duplex, AsyncReadExt, AsyncWriteExt, DuplexStream};

    const MASK: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

    /// A frame as a browser sends it: masked.
    fn client_frame(fin: bool, opcode: u8, payload: &[u8]) -> Vec<u8> {
        let mut plain = Vec::new();
        encode(opcode, payload, &mut plain);
        let at = plain.len() - payload.len();
        plain[0] = if fin { plain[0] } else { plain[0] & 0x7f };
        plain[1] |= 0x80;
        let mut frame = plain[..at].to_vec();
        frame.extend_from_slice(&MASK);
        frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ MASK[i % 4]));
        frame
    }

    fn socket(max: usize) -> (Socket<DuplexStream>, DuplexStream) {
        let (ours, theirs) = duplex(1 << 20);
        (Socket::new(ours, max), theirs)
    }

    async fn next(socket: &mut Socket<DuplexStream>) -> Option<Result<Message, String>> {
        socket.next().await.map(|r| r.map_err(|e| e.to_string()))
    }

    /// Everything the server wrote so far, once it stops writing.
    async fn written(peer: &mut DuplexStream) -> Vec<u8> {
        let mut out = vec![0; 4096];
        let n = tokio::time::timeout(std::time::Duration::from_millis(200), peer.read(&mut out))
            .await
            .map_or(0, |r| r.unwrap());
        out.truncate(n);
        out
    }

    #[tokio::test]
    async fn reads_a_masked_text_message_and_writes_an_unmasked_one() {
        let (mut socket, mut peer) = socket(1 << 16);
        let offer = "v=0\r\n".repeat(700);
        peer.write_all(&client_frame(true, 0x1, offer.as_bytes())).await.unwrap();
        assert_eq!(next(&mut socket).await, Some(Ok(Message::Text(offer.clone().into()))));
        socket.send(Message::Text("hi".into())).await.unwrap();
        assert_eq!(written(&mut peer).await, [0x81, 2, b'h', b'i']);
        assert_eq!((socket.read.capacity(), socket.write.capacity()), (0, 0), "idle holds nothing");
    }

    #[tokio::test]
    async fn messages_split_across_reads_and_fragments_and_several_in_one_read() {
        let (mut socket, mut peer) = socket(1 << 16);
        let mut bytes = client_frame(false, 0x1, "안녕".as_bytes());
        bytes.extend(client_frame(true, 0x9, b"p"));
        bytes.extend(client_frame(true, 0x0, " 하세요".as_bytes()));
        bytes.extend(client_frame(true, 0x2, &[1, 2, 3]));
        let feed = tokio::spawn(async move {
            for b in bytes {
                peer.write_all(&[b]).await.unwrap();
                tokio::task::yield_now().await;
            }
            peer
        });
        assert_eq!(next(&mut socket).await, Some(Ok(Message::Ping(b"p"[..].into()))));
        assert_eq!(next(&mut socket).await, Some(Ok(Message::Text("안녕 하세요".into()))));
        assert_eq!(next(&mut socket).await, Some(Ok(Message::Binary(vec![1, 2, 3].into()))));
        let mut peer = feed.await.unwrap();
        assert_eq!(written(&mut peer).await, [0x8a, 1, b'p'], "the ping is answered");
        peer.write_all(&[client_frame(true, 0x1, b"a"), client_frame(true, 0x1, b"b")].concat())
            .await
            .unwrap();
        assert_eq!(next(&mut socket).await, Some(Ok(Message::Text("a".into()))));
        assert_eq!(next(&mut socket).await, Some(Ok(Message::Text("b".into()))));
        assert_eq!(socket.read.capacity(), 0);
    }

    #[tokio::test]
    async fn a_close_is_echoed_and_ends_the_stream() {
        let (mut socket, mut peer) = socket(1 << 16);
        peer.write_all(&client_frame(true, 0x8, &close_payload(1000, "bye"))).await.unwrap();
        let frame = CloseFrame { code: 1000, reason: "bye".into() };
        assert_eq!(next(&mut socket).await, Some(Ok(Message::Close(Some(frame)))));
        assert_eq!(written(&mut peer).await, [0x88, 2, 0x03, 0xe8]);
        assert_eq!(next(&mut socket).await, None);
        socket.send(Message::Text("late".into())).await.unwrap();
        assert_eq!(written(&mut peer).await, [] as [u8; 0], "nothing after a close");
    }

    /// Each bad frame ends the socket with an error, and the peer is told the close code.
    #[tokio::test]
    async fn bad_frames_end_the_socket_with_the_right_close_code() {
        let unmasked = {
            let mut f = Vec::new();
            encode(0x1, b"hi", &mut f);
            f
        };
        let mut long_head = client_frame(true, 0x1, &[]);
        long_head[1] = 0x80 | 127;
        long_head.splice(2..2, (1u64 << 40).to_be_bytes());
        let cases: [(Vec<u8>, u16); 7] = [
            (unmasked, 1002),
            (client_frame(true, 0x1, &[0xff, 0xfe]), 1007),
            (client_frame(true, 0x2, &[0; 100]), 1009),
            (long_head, 1009),
            (client_frame(true, 0x0, b"x"), 1002),
            (client_frame(false, 0x9, b"x"), 1002),
            (client_frame(true, 0x3, b"x"), 1002),
        ];
        for (bytes, code) in cases {
            let (mut socket, mut peer) = socket(64);
            peer.write_all(&bytes).await.unwrap();
            assert!(matches!(next(&mut socket).await, Some(Err(_))), "{bytes:?}");
            let out = written(&mut peer).await;
            assert_eq!((out[0], u16::from_be_bytes([out[2], out[3]])), (0x88, code), "{bytes:?}");
            assert_eq!(next(&mut socket).await, None);
        }
    }

    #[tokio::test]
    async fn a_connection_cut_mid_frame_is_an_error_and_a_clean_end_is_not() {
        let (mut socket, mut peer) = socket(1 << 16);
        peer.write_all(&client_frame(true, 0x1, b"hello")[..4]).await.unwrap();
        drop(peer);
        assert!(matches!(next(&mut socket).await, Some(Err(e)) if e.contains("middle")));
        let (mut socket, peer) = self::socket(1 << 16);
        drop(peer);
        assert_eq!(next(&mut socket).await, None);
    }

    #[test]
    fn the_handshake_needs_get_upgrade_version_13_and_a_key() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.append(*k, HeaderValue::from_static(v));
            }
            h
        };
        let good = [
            ("connection", "keep-alive, Upgrade"),
            ("upgrade", "websocket"),
            ("sec-websocket-version", "13"),
            ("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="),
        ];
        assert!(handshake_key(&Method::GET, &headers(&good)).is_ok());
        assert_eq!(handshake_key(&Method::POST, &headers(&good)), Err(UpgradeRejection::Method));
        assert_eq!(
            handshake_key(&Method::GET, &headers(&good[1..])),
            Err(UpgradeRejection::NotUpgrade)
        );
        let old = [good[0], good[1], ("sec-websocket-version", "8"), good[3]];
        assert_eq!(handshake_key(&Method::GET, &headers(&old)), Err(UpgradeRejection::Version));
        assert_eq!(handshake_key(&Method::GET, &headers(&good[..3])), Err(UpgradeRejection::Key));
    }
}
