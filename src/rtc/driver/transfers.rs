//! File transfer on the call: sending a picked file over each recipient's file channel with
//! backpressure, receiving into a Blob, cancel from either side.

use super::{with, Call, Inner};
use crate::call::transfer::{
    check_size, FileControl, FileError, Incoming, Recipients, CHUNK_BYTES, HIGH_WATER,
    MAX_FILE_BYTES,
};
use crate::model::transfer_ui::{Transfer, TransferState};
use crate::protocol::PeerId;
use crate::rtc::peer::FileFrame;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{RtcDataChannel, RtcDataChannelState};

/// Files in flight.
#[derive(Default)]
pub(super) struct FileState {
    next_key: u64,
    next_id: u32,
    outgoing: HashMap<u64, Rc<Outgoing>>,
    incoming: HashMap<PeerId, Receiving>,
}

struct Outgoing {
    id: u32,
    cancelled: Cell<bool>,
    /// Who still gets the bytes.
    to: RefCell<Recipients>,
    /// While the sender waits for a channel to drain: what ends the wait early (a cancel, or
    /// that recipient leaving, whose channel may close without a `bufferedamountlow`).
    wake: RefCell<Option<js_sys::Function>>,
}

impl Outgoing {
    fn wake(&self) {
        if let Some(resolve) = self.wake.borrow_mut().take() {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    }

    fn drop_out(&self, peer: PeerId) {
        if self.to.borrow_mut().drop_out(peer) {
            self.wake();
        }
    }
}

struct Receiving {
    key: u64,
    file: Incoming,
    parts: js_sys::Array,
}

impl FileState {
    /// The next transfer's key (ours, for the UI) and id (on the wire).
    fn next_ids(&mut self) -> (u64, u32) {
        self.next_key += 1;
        self.next_id += 1;
        (self.next_key, self.next_id)
    }
}

impl Inner {
    /// The file channel of everyone connected (`to = None`) or of one person.
    fn file_channels(&self, to: Option<PeerId>) -> Vec<(PeerId, RtcDataChannel)> {
        self.state
            .borrow()
            .peers
            .iter()
            .filter(|(id, _)| to.is_none_or(|t| t == **id))
            .filter_map(|(id, peer)| peer.file_channel().map(|c| (*id, c)))
            .collect()
    }
}

impl Call {
    /// Sends `file` to everyone connected (`to = None`) or to one person.
    pub fn send_file(&self, file: web_sys::File, to: Option<PeerId>) {
        let inner = &self.inner;
        let size = file.size() as u64;
        if let Err(e) = check_size(size) {
            inner.ui.file_error.set(Some(e));
            return;
        }
        let targets = inner.file_channels(to);
        if targets.is_empty() {
            inner.ui.file_error.set(Some(FileError::NoRecipients));
            return;
        }
        inner.ui.file_error.set(None);
        let (key, id) = inner.state.borrow_mut().files.next_ids();
        let out = Rc::new(Outgoing {
            id,
            cancelled: Cell::new(false),
            to: RefCell::new(Recipients::new(targets.iter().map(|(peer, _)| *peer))),
            wake: RefCell::default(),
        });
        inner.state.borrow_mut().files.outgoing.insert(key, out.clone());
        let who = to.map(|peer| inner.name_of(peer));
        inner.ui.files.update(|f| {
            f.push(Transfer {
                key,
                outgoing: true,
                who,
                name: file.name(),
                size,
                progress: 0.0,
                state: TransferState::Active,
                url: None,
            })
        });
        let weak = Rc::downgrade(inner);
        spawn_local(async move {
            let result = send(&file, id, &targets, &out, |p| {
                with(&weak, |i| i.set_transfer(key, |t| t.progress = p));
            })
            .await;
            let state = match result {
                _ if out.cancelled.get() => TransferState::Cancelled,
                Ok(()) => TransferState::Done,
                Err(e) => TransferState::Failed(e),
            };
            with(&weak, |i| {
                i.state.borrow_mut().files.outgoing.remove(&key);
                i.set_transfer(key, |t| t.state = state);
            });
        });
    }

    /// Cancels a transfer: an outgoing one for everyone, an incoming one for us.
    pub fn cancel_file(&self, key: u64) {
        let inner = &self.inner;
        if let Some(out) = inner.state.borrow().files.outgoing.get(&key) {
            out.cancelled.set(true);
            out.wake();
            return;
        }
        let found = {
            let state = inner.state.borrow();
            state.files.incoming.iter().find(|(_, r)| r.key == key).map(|(p, r)| (*p, r.file.id))
        };
        if let Some((peer, id)) = found {
            inner.state.borrow_mut().files.incoming.remove(&peer);
            let channel = inner.state.borrow().peers.get(&peer).and_then(|p| p.file_channel());
            if let (Some(channel), Ok(text)) =
                (channel, serde_json::to_string(&FileControl::Cancel { id }))
            {
                let _ = channel.send_with_str(&text);
            }
            inner.set_transfer(key, |t| t.state = TransferState::Cancelled);
        }
    }
}

async fn send(
    file: &web_sys::File,
    id: u32,
    targets: &[(PeerId, RtcDataChannel)],
    out: &Outgoing,
    progress: impl Fn(f64),
) -> Result<(), FileError> {
    let size = file.size() as u64;
    let offer = FileControl::Offer { id, name: file.name(), size };
    let text = serde_json::to_string(&offer).map_err(|e| FileError::Browser(e.to_string()))?;
    for (peer, channel) in targets {
        if channel.send_with_str(&text).is_err() {
            out.drop_out(*peer);
        }
    }
    let sent = send_chunks(file, targets, out, &progress).await?;
    if out.to.borrow().all_gone() && !out.cancelled.get() {
        return Err(FileError::RecipientsLeft);
    }
    let end =
        if out.cancelled.get() { FileControl::Cancel { id } } else { FileControl::Done { id } };
    let text = serde_json::to_string(&end).map_err(|e| FileError::Browser(e.to_string()))?;
    for (peer, channel) in targets {
        if out.to.borrow().gets(*peer) {
            let _ = channel.send_with_str(&text);
        }
    }
    progress(sent as f64 / size.max(1) as f64);
    Ok(())
}

/// The file's bytes, chunk by chunk to every recipient still getting it, with backpressure;
/// returns how many were sent.
async fn send_chunks(
    file: &web_sys::File,
    targets: &[(PeerId, RtcDataChannel)],
    out: &Outgoing,
    progress: &impl Fn(f64),
) -> Result<u64, FileError> {
    let browser = |e: JsValue| FileError::Browser(crate::rtc::js::describe(&e));
    let size = file.size() as u64;
    let mut sent = 0_u64;
    let mut last_shown = 0.0;
    while sent < size && !out.cancelled.get() {
        if out.to.borrow().all_gone() {
            return Err(FileError::RecipientsLeft);
        }
        let end = (sent + CHUNK_BYTES as u64).min(size);
        let blob = file.slice_with_f64_and_f64(sent as f64, end as f64).map_err(browser)?;
        let bytes =
            js_sys::Uint8Array::new(&JsFuture::from(blob.array_buffer()).await.map_err(browser)?);
        for (peer, channel) in targets {
            if channel.buffered_amount() > HIGH_WATER && out.to.borrow().gets(*peer) {
                drained(channel, out).await;
            }
            // A recipient who cancelled or left while we waited, or whose channel is gone,
            // is skipped from here on; the others still get every byte.
            if !out.to.borrow().gets(*peer) || out.cancelled.get() {
                continue;
            }
            if channel.ready_state() != RtcDataChannelState::Open
                || channel.send_with_array_buffer_view(&bytes).is_err()
            {
                out.drop_out(*peer);
            }
        }
        sent = end;
        let p = sent as f64 / size as f64;
        if p - last_shown >= 0.01 || sent == size {
            last_shown = p;
            progress(p);
        }
    }
    Ok(sent)
}

/// Resolves when the channel's queue drops below `bufferedAmountLowThreshold`, or early when
/// the transfer is cancelled or this recipient leaves ([`Outgoing::wake`]).
async fn drained(channel: &RtcDataChannel, out: &Outgoing) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        channel.set_onbufferedamountlow(Some(&resolve));
        *out.wake.borrow_mut() = Some(resolve);
    });
    let _ = JsFuture::from(promise).await;
    channel.set_onbufferedamountlow(None);
    out.wake.borrow_mut().take();
}

impl Inner {
    pub(super) fn name_of(&self, peer: PeerId) -> String {
        self.ui.tiles.with_untracked(|t| {
            t.iter().find(|t| t.id == peer).map(|t| t.name.clone()).unwrap_or_default()
        })
    }

    /// `peer` left the call: files going to them stop for them (the others go on), and a file
    /// coming from them fails with "the sender left" instead of waiting forever.
    pub(super) fn files_peer_left(&self, peer: PeerId) {
        for out in self.state.borrow().files.outgoing.values() {
            out.drop_out(peer);
        }
        let gone = self.state.borrow_mut().files.incoming.remove(&peer);
        if let Some(r) = gone {
            self.set_transfer(r.key, |t| t.state = TransferState::Failed(FileError::SenderLeft));
        }
    }

    fn set_transfer(&self, key: u64, f: impl FnOnce(&mut Transfer)) {
        self.ui.files.update(|list| {
            if let Some(t) = list.iter_mut().find(|t| t.key == key) {
                f(t);
            }
        });
    }

    /// A frame from `peer`'s file channel.
    pub(super) fn on_file_frame(&self, peer: PeerId, frame: FileFrame) {
        match frame {
            FileFrame::Control(FileControl::Offer { id, name, size }) => {
                self.offered(peer, id, name, size)
            }
            FileFrame::Chunk(bytes) => self.chunk(peer, bytes),
            FileFrame::Control(FileControl::Done { id }) => self.finished(peer, id),
            FileFrame::Control(FileControl::Cancel { id }) => {
                // Our upload to them, or their upload to us.
                for out in self.state.borrow().files.outgoing.values() {
                    if out.id == id {
                        out.drop_out(peer);
                    }
                }
                let gone = self.state.borrow_mut().files.incoming.remove(&peer);
                if let Some(r) = gone.filter(|r| r.file.id == id) {
                    self.set_transfer(r.key, |t| t.state = TransferState::Cancelled);
                }
            }
        }
    }

    fn offered(&self, peer: PeerId, id: u32, name: String, size: u64) {
        let key = {
            let mut state = self.state.borrow_mut();
            state.files.next_key += 1;
            state.files.next_key
        };
        let (state, receiving) = match Incoming::offer(id, size) {
            Ok(file) => (TransferState::Active, Some(file)),
            Err(e) => (TransferState::Failed(e), None),
        };
        let transfer = Transfer {
            key,
            outgoing: false,
            who: Some(self.name_of(peer)),
            name,
            size: size.min(MAX_FILE_BYTES * 10),
            progress: 0.0,
            state,
            url: None,
        };
        self.ui.files.update(|f| f.push(transfer));
        match receiving {
            Some(file) => {
                let parts = js_sys::Array::new();
                let r = Receiving { key, file, parts };
                self.state.borrow_mut().files.incoming.insert(peer, r);
            }
            None => {
                let channel = self.state.borrow().peers.get(&peer).and_then(|p| p.file_channel());
                if let (Some(c), Ok(text)) =
                    (channel, serde_json::to_string(&FileControl::Cancel { id }))
                {
                    let _ = c.send_with_str(&text);
                }
            }
        }
    }

    fn chunk(&self, peer: PeerId, bytes: js_sys::Uint8Array) {
        let mut state = self.state.borrow_mut();
        let Some(r) = state.files.incoming.get_mut(&peer) else { return };
        let before = r.file.progress();
        if let Err(e) = r.file.chunk(bytes.length() as usize) {
            let key = r.key;
            state.files.incoming.remove(&peer);
            drop(state);
            return self.set_transfer(key, |t| t.state = TransferState::Failed(e));
        }
        r.parts.push(&bytes);
        let (key, p) = (r.key, r.file.progress());
        drop(state);
        if p - before >= 0.01 || (p * 100.0).floor() > (before * 100.0).floor() {
            self.set_transfer(key, |t| t.progress = p);
        }
    }

    fn finished(&self, peer: PeerId, id: u32) {
        let Some(r) = self.state.borrow_mut().files.incoming.remove(&peer) else { return };
        if r.file.id != id {
            return;
        }
        let browser = |e: JsValue| FileError::Browser(crate::rtc::js::describe(&e));
        let result = r.file.done().and_then(|()| {
            let blob = web_sys::Blob::new_with_u8_array_sequence(&r.parts).map_err(browser)?;
            web_sys::Url::create_object_url_with_blob(&blob).map_err(browser)
        });
        self.set_transfer(r.key, |t| match result {
            Ok(url) => {
                t.progress = 1.0;
                t.state = TransferState::Done;
                t.url = Some(url);
            }
            Err(e) => t.state = TransferState::Failed(e),
        });
    }
}
