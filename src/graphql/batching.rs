//! Makes DataLoader batches independent of timing. A batch is loaded only once the request's
//! executor has settled: it is not polling, and has not started a pass for a short while.
//! Every key registered while the resolvers of one level run (one per parent in a list,
//! however long the list and however slow the machine) lands in the same batch. Use it with
//! a DataLoader whose own delay is zero.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::future::BoxFuture;
use tokio::sync::Notify;
use tracing::Instrument;

#[derive(Clone, Default)]
pub struct PassGate {
    inner: Arc<GateInner>,
}

#[derive(Default)]
struct GateInner {
    busy: AtomicBool,
    /// Counts passes, to tell whether one started while a batch was waiting.
    passes: AtomicU64,
    idle: Notify,
}

/// How long the executor must stay still before a batch is loaded.
const SETTLE: Duration = Duration::from_millis(1);

impl PassGate {
    /// Waits until the gated future is not being polled.
    async fn idle(&self) {
        loop {
            let notified = self.inner.idle.notified();
            if !self.inner.busy.load(Ordering::Acquire) {
                return;
            }
            notified.await;
        }
    }

    /// Waits until the gated future has been idle for [`SETTLE`] without a new pass.
    async fn settled(&self) {
        loop {
            self.idle().await;
            let passes = self.inner.passes.load(Ordering::Acquire);
            tokio::time::sleep(SETTLE).await;
            if !self.inner.busy.load(Ordering::Acquire)
                && self.inner.passes.load(Ordering::Acquire) == passes
            {
                return;
            }
        }
    }

    /// The spawner for a `DataLoader`: batch loads wait for the executor's pass to end.
    pub fn spawner(&self) -> impl Fn(BoxFuture<'static, ()>) + Send + Sync + 'static {
        let gate = self.clone();
        move |load| {
            let gate = gate.clone();
            // The batch logs under the request's span, and so with its request id.
            let span = tracing::Span::current();
            tokio::spawn(
                async move {
                    gate.settled().await;
                    load.await;
                }
                .instrument(span),
            );
        }
    }

    /// Marks every poll of `fut` as a pass.
    pub fn gate<F: Future>(&self, fut: F) -> Gated<F> {
        Gated {
            gate: self.clone(),
            fut: Box::pin(fut),
        }
    }
}

pub struct Gated<F> {
    gate: PassGate,
    fut: Pin<Box<F>>,
}

impl<F: Future> Future for Gated<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.gate.inner.passes.fetch_add(1, Ordering::AcqRel);
        self.gate.inner.busy.store(true, Ordering::Release);
        let out = self.fut.as_mut().poll(cx);
        self.gate.inner.busy.store(false, Ordering::Release);
        self.gate.inner.idle.notify_waiters();
        out
    }
}
