//! One socket's queue of frames from the hub actor to the socket loop, bounded in messages and
//! in bytes. An idle socket's queue holds no allocation (a tokio channel keeps a block of 32
//! slots per socket, about 1.3 KB), and a burst's memory goes back once it is written.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::Notify;

/// Why a message could not be queued.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotQueued {
    /// The socket already has the byte limit waiting.
    TooManyBytes,
    /// The socket already has the message limit waiting.
    TooManyMessages,
    /// The socket loop is gone.
    Gone,
}

/// What a queued message weighs against the byte limit.
pub trait Weigh {
    fn weight(&self) -> usize;
}

struct Shared<T> {
    queue: Mutex<Queue<T>>,
    ready: Notify,
    closed: AtomicBool,
}

struct Queue<T> {
    items: VecDeque<T>,
    bytes: usize,
}

/// The actor's end.
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
    max_messages: usize,
    max_bytes: usize,
}

/// The socket loop's end; dropping it makes every later push fail with [`NotQueued::Gone`].
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
}

/// A queue of at most `max_messages` messages and `max_bytes` bytes.
pub fn outbox<T: Weigh>(max_messages: usize, max_bytes: usize) -> (Sender<T>, Receiver<T>) {
    let shared = Arc::new(Shared {
        queue: Mutex::new(Queue { items: VecDeque::new(), bytes: 0 }),
        ready: Notify::new(),
        closed: AtomicBool::new(false),
    });
    (Sender { shared: shared.clone(), max_messages, max_bytes }, Receiver { shared })
}

impl<T: Weigh> Sender<T> {
    /// Queues `item`, unless the limits are reached or the socket loop is gone (then the
    /// caller drops the socket).
    pub fn push(&self, item: T) -> Result<(), NotQueued> {
        if self.shared.closed.load(Ordering::Acquire) {
            return Err(NotQueued::Gone);
        }
        let mut queue = self.shared.queue.lock().unwrap_or_else(PoisonError::into_inner);
        if queue.bytes + item.weight() > self.max_bytes {
            return Err(NotQueued::TooManyBytes);
        }
        if queue.items.len() >= self.max_messages {
            return Err(NotQueued::TooManyMessages);
        }
        queue.bytes += item.weight();
        queue.items.push_back(item);
        drop(queue);
        self.shared.ready.notify_one();
        Ok(())
    }

    /// Bytes waiting now.
    pub fn queued_bytes(&self) -> usize {
        self.shared.queue.lock().unwrap_or_else(PoisonError::into_inner).bytes
    }
}

impl<T: Weigh> Receiver<T> {
    /// The next message; waits while there is none. Its bytes stop counting once taken.
    pub async fn next(&self) -> T {
        loop {
            if let Some(item) = self.pop() {
                return item;
            }
            // A push between `pop` and here leaves a permit, so this cannot miss it.
            self.shared.ready.notified().await;
        }
    }

    fn pop(&self) -> Option<T> {
        let mut queue = self.shared.queue.lock().unwrap_or_else(PoisonError::into_inner);
        let item = queue.items.pop_front()?;
        queue.bytes -= item.weight();
        // Emptied: the slots go back, so an idle socket's queue holds nothing (128 bytes per
        // socket otherwise; a burst allocates them again).
        if queue.items.is_empty() && queue.items.capacity() > 0 {
            queue.items = VecDeque::new();
        }
        Some(item)
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        self.shared.closed.store(true, Ordering::Release);
        // What was queued is freed now, not when the actor forgets the sender.
        let mut queue = self.shared.queue.lock().unwrap_or_else(PoisonError::into_inner);
        queue.items = VecDeque::new();
        queue.bytes = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Weigh for String {
        fn weight(&self) -> usize {
            self.len()
        }
    }

    #[test]
    fn refuses_past_its_byte_and_message_limits_and_counts_back_down() {
        let (tx, rx) = outbox::<String>(3, 10);
        assert_eq!(tx.push("aaaa".into()), Ok(()));
        assert_eq!(tx.push("bbbb".into()), Ok(()));
        assert_eq!(tx.push("ccc".into()), Err(NotQueued::TooManyBytes));
        assert_eq!(tx.queued_bytes(), 8);
        assert_eq!(rx.pop().as_deref(), Some("aaaa"));
        assert_eq!(tx.queued_bytes(), 4);
        assert_eq!(tx.push("c".into()), Ok(()));
        assert_eq!(tx.push("d".into()), Ok(()));
        assert_eq!(tx.push("e".into()), Err(NotQueued::TooManyMessages));
        drop(rx);
        assert_eq!(tx.push("f".into()), Err(NotQueued::Gone));
        assert_eq!(tx.queued_bytes(), 0, "what was queued is freed with the receiver");
    }

    #[tokio::test]
    async fn the_receiver_waits_for_the_next_push() {
        let (tx, rx) = outbox::<String>(8, 100);
        let waiting = tokio::spawn(async move { rx.next().await });
        tokio::task::yield_now().await;
        tx.push("hello".into()).unwrap();
        assert_eq!(waiting.await.unwrap(), "hello");
    }
}
