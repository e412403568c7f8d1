//! Makes DataLoader batches independent of timing. A batch is loaded only once the request's
//! executor has settled (it is not polling, and has not started a pass while the worker
//! turned its event loop over a few times) and no earlier batch is still loading. Batches therefore go out in waves, one level of the
//! query at a time: every key registered while the resolvers of one level run (one per
//! parent in a list, however long the list, however slow the machine, and whichever of the
//! level's batches came back first) lands in the same batch. Use it with a DataLoader whose
//! own delay is zero.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

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
    /// The gated future was woken and waits to be polled: it has work, even if a busy
    /// machine has not run it yet.
    woken: AtomicBool,
    /// Counts passes, to tell whether one started while a batch was waiting.
    passes: AtomicU64,
    idle: Notify,
    waves: Mutex<Waves>,
    /// Wakes waiting batches when a wave is released or a batch finishes.
    wave_change: Notify,
}

/// Batches loading and waiting to load.
#[derive(Default)]
struct Waves {
    in_flight: usize,
    waiting: usize,
    /// Counts released waves: a waiting batch goes when a wave after the one it saw is out.
    released: u64,
}

/// How many turns of the worker's event loop the executor must stay still for before a
/// batch is loaded. Each turn polls the I/O driver, so a wake-up already on its way (a
/// statement's answer that has arrived) lands first. Turns, not a timer: a timer's
/// millisecond granularity made every level of a query wait a millisecond or two.
const SETTLE_TURNS: usize = 3;

impl PassGate {
    /// Waits until the gated future is neither being polled nor waiting to be.
    async fn idle(&self) {
        loop {
            let notified = self.inner.idle.notified();
            if !self.inner.busy.load(Ordering::Acquire) && !self.inner.woken.load(Ordering::Acquire)
            {
                return;
            }
            notified.await;
        }
    }

    /// Waits until the gated future has stayed idle for [`SETTLE_TURNS`] without a new pass.
    async fn settled(&self) {
        loop {
            self.idle().await;
            let passes = self.inner.passes.load(Ordering::Acquire);
            for _ in 0..SETTLE_TURNS {
                tokio::task::yield_now().await;
            }
            if !self.inner.busy.load(Ordering::Acquire)
                && !self.inner.woken.load(Ordering::Acquire)
                && self.inner.passes.load(Ordering::Acquire) == passes
            {
                return;
            }
        }
    }

    fn waves(&self) -> std::sync::MutexGuard<'_, Waves> {
        // A poisoned lock only means a panic elsewhere; the counters are still usable.
        self.inner
            .waves
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Waits for this batch's wave: the executor has settled and nothing is loading. Every
    /// batch waiting at that moment goes together.
    async fn wave(&self) {
        let seen = {
            let mut waves = self.waves();
            waves.waiting += 1;
            waves.released
        };
        loop {
            let changed = self.inner.wave_change.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            self.settled().await;
            {
                let mut waves = self.waves();
                if waves.released > seen {
                    return;
                }
                if waves.in_flight == 0 {
                    waves.released += 1;
                    waves.in_flight += waves.waiting;
                    waves.waiting = 0;
                    drop(waves);
                    self.inner.wave_change.notify_waiters();
                    return;
                }
            }
            changed.await;
        }
    }

    fn finished(&self) {
        self.waves().in_flight -= 1;
        self.inner.wave_change.notify_waiters();
    }

    /// The spawner for a `DataLoader`: batch loads wait for their wave.
    pub fn spawner(&self) -> impl Fn(BoxFuture<'static, ()>) + Send + Sync + 'static {
        let gate = self.clone();
        move |load| {
            let gate = gate.clone();
            // The batch logs under the request's span, and so with its request id.
            let span = tracing::Span::current();
            tokio::spawn(
                async move {
                    gate.wave().await;
                    let _loading = Loading(gate);
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
            wakers: None,
        }
    }
}

/// Passes wake-ups on, noting that the gated future has work.
struct NoteWake {
    gate: Arc<GateInner>,
    waker: Waker,
}

impl Wake for NoteWake {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.gate.woken.store(true, Ordering::Release);
        self.waker.wake_by_ref();
    }
}

/// A batch that is loading; the wave hears when it ends, however it ends.
struct Loading(PassGate);

impl Drop for Loading {
    fn drop(&mut self) {
        self.0.finished();
    }
}

pub struct Gated<F> {
    gate: PassGate,
    fut: Pin<Box<F>>,
    /// The waker the last pass was given, and the one wrapping it; made again only when the
    /// executor hands over a different one.
    wakers: Option<(Waker, Waker)>,
}

impl<F: Future> Future for Gated<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.gate.inner.passes.fetch_add(1, Ordering::AcqRel);
        self.gate.inner.busy.store(true, Ordering::Release);
        self.gate.inner.woken.store(false, Ordering::Release);
        let this = &mut *self;
        let wakers = match this.wakers.take() {
            Some((given, wrapped)) if given.will_wake(cx.waker()) => (given, wrapped),
            _ => {
                let wrapped = Waker::from(Arc::new(NoteWake {
                    gate: this.gate.inner.clone(),
                    waker: cx.waker().clone(),
                }));
                (cx.waker().clone(), wrapped)
            }
        };
        let waker = &this.wakers.insert(wakers).1;
        let out = this.fut.as_mut().poll(&mut Context::from_waker(waker));
        self.gate.inner.busy.store(false, Ordering::Release);
        self.gate.inner.idle.notify_waiters();
        out
    }
}
