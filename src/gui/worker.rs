//! Long work off the UI thread: each job runs on its own thread, sends its result back and
//! wakes the window; the app polls once per frame (`App::logic`, which eframe calls even while
//! the window is hidden for a screen capture).
//!
//! A job that panics (a decoder bug on a hostile file, say) sends no result, but it is counted
//! as finished all the same and reported by [`Worker::panicked`], so the window never stays
//! busy with its buttons disabled, and the app can say that something failed.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};

/// Runs jobs that return `T` and collects their results.
pub struct Worker<T> {
    sender: Sender<T>,
    receiver: Receiver<T>,
    running: usize,
    /// Jobs that panicked since the last [`Worker::panicked`] call.
    panics: Arc<AtomicUsize>,
}

impl<T: Send + 'static> Default for Worker<T> {
    fn default() -> Self {
        let (sender, receiver) = channel();
        Worker {
            sender,
            receiver,
            running: 0,
            panics: Arc::default(),
        }
    }
}

/// Counts a job's panic when dropped during unwinding, and wakes the window either way.
struct Finished {
    panics: Arc<AtomicUsize>,
    ctx: egui::Context,
}

impl Drop for Finished {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.panics.fetch_add(1, Ordering::SeqCst);
        }
        self.ctx.request_repaint();
    }
}

impl<T: Send + 'static> Worker<T> {
    /// Starts `job` on a new thread; `ctx` is asked to repaint when it finishes (or panics).
    pub fn spawn(&mut self, ctx: &egui::Context, job: impl FnOnce() -> T + Send + 'static) {
        let sender = self.sender.clone();
        let finished = Finished {
            panics: Arc::clone(&self.panics),
            ctx: ctx.clone(),
        };
        self.running += 1;
        std::thread::spawn(move || {
            let _finished = finished;
            // The receiver lives as long as the app; if it is gone the result is not wanted.
            let _ = sender.send(job());
        });
    }

    /// The results of the jobs finished since the last call.
    pub fn finished(&mut self) -> Vec<T> {
        let done: Vec<T> = self.receiver.try_iter().collect();
        self.running = self.running.saturating_sub(done.len());
        done
    }

    /// How many jobs panicked since the last call; they no longer count as running.
    pub fn panicked(&mut self) -> usize {
        let panics = self.panics.swap(0, Ordering::SeqCst);
        self.running = self.running.saturating_sub(panics);
        panics
    }

    /// True while a job runs (the UI shows a spinner and refuses to start a second one).
    pub fn busy(&self) -> bool {
        self.running > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_job_is_counted_and_leaves_the_worker_idle() {
        let ctx = egui::Context::default();
        let mut worker: Worker<u32> = Worker::default();
        worker.spawn(&ctx, || panic!("a decoder bug"));
        worker.spawn(&ctx, || 7);
        let start = std::time::Instant::now();
        let mut results = Vec::new();
        let mut panics = 0;
        while worker.busy() {
            assert!(
                start.elapsed() < std::time::Duration::from_secs(60),
                "the worker stayed busy"
            );
            results.extend(worker.finished());
            panics += worker.panicked();
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert_eq!(results, [7]);
        assert_eq!(panics, 1);
    }
}
