//! A socket that carries its connection permit, so the slot is held exactly as long as the
//! socket is open: through an HTTP upgrade too, when hyper hands the socket to a WebSocket task.
//! And a request body with a deadline.

use super::limits::Permit;
use axum::body::Bytes;
use axum::BoxError;
use http_body::{Body, Frame, SizeHint};
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

/// A request body that fails once `limit` has passed since the request arrived, however
/// steadily it trickles in. Whoever reads it (a handler, or a task a handler spawned) gets an
/// error and drops it, and hyper then stops reading and closes the connection. tower-http's
/// `RequestBodyTimeout` is not enough: it restarts its clock at every frame, so one byte a
/// second never trips it.
pub struct DeadlineBody<B> {
    inner: B,
    deadline: Pin<Box<Sleep>>,
    finished: Arc<AtomicBool>,
    expired: Arc<AtomicBool>,
}

/// What the connection learns about a request's body: read to the end, or cut off by the
/// deadline (then the answer is `408`, whatever the handler made of the error).
#[derive(Clone, Default)]
pub struct BodyFate {
    /// The whole body was read.
    pub finished: Arc<AtomicBool>,
    /// The deadline cut it off.
    pub expired: Arc<AtomicBool>,
}

impl<B: Body> DeadlineBody<B> {
    /// `inner`, cut off `limit` from now. `finished` is set once the whole body has been read
    /// (at once for a request without one): a response to a request whose body was not read to
    /// the end must close the connection, or hyper keeps reading the rest to reuse it.
    pub fn new(inner: B, limit: Duration, fate: &BodyFate) -> Self {
        if inner.is_end_stream() {
            fate.finished.store(true, Ordering::Release);
        }
        let deadline = Box::pin(tokio::time::sleep(limit));
        Self { inner, deadline, finished: fate.finished.clone(), expired: fate.expired.clone() }
    }
}

impl<B> Body for DeadlineBody<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        if self.deadline.as_mut().poll(cx).is_ready() {
            self.expired.store(true, Ordering::Release);
            return Poll::Ready(Some(Err("the request body took too long".into())));
        }
        let frame = Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(frame, Poll::Ready(None)) || self.inner.is_end_stream() {
            self.finished.store(true, Ordering::Release);
        }
        frame.map(|f| f.map(|f| f.map_err(Into::into)))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// `io` plus the permit it was accepted under.
#[derive(Debug)]
pub struct Counted<T> {
    io: T,
    _permit: Permit,
}

impl<T> Counted<T> {
    /// Ties `permit` to `io`'s lifetime.
    pub fn new(io: T, permit: Permit) -> Self {
        Self { io, _permit: permit }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Counted<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Counted<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}
