//! Long work off the UI thread: each job runs on its own thread, sends its result back and
//! wakes the window; the app polls once per frame (`App::logic`, which eframe calls even while
//! the window is hidden for a screen capture).

use std::sync::mpsc::{Receiver, Sender, channel};

/// Runs jobs that return `T` and collects their results.
pub struct Worker<T> {
    sender: Sender<T>,
    receiver: Receiver<T>,
    running: usize,
}

impl<T: Send + 'static> Default for Worker<T> {
    fn default() -> Self {
        let (sender, receiver) = channel();
        Worker {
            sender,
            receiver,
            running: 0,
        }
    }
}

impl<T: Send + 'static> Worker<T> {
    /// Starts `job` on a new thread; `ctx` is asked to repaint when it finishes.
    pub fn spawn(&mut self, ctx: &egui::Context, job: impl FnOnce() -> T + Send + 'static) {
        let sender = self.sender.clone();
        let ctx = ctx.clone();
        self.running += 1;
        std::thread::spawn(move || {
            // The receiver lives as long as the app; if it is gone the result is not wanted.
            let _ = sender.send(job());
            ctx.request_repaint();
        });
    }

    /// The results of the jobs finished since the last call.
    pub fn finished(&mut self) -> Vec<T> {
        let done: Vec<T> = self.receiver.try_iter().collect();
        self.running = self.running.saturating_sub(done.len());
        done
    }

    /// True while a job runs (the UI shows a spinner and refuses to start a second one).
    pub fn busy(&self) -> bool {
        self.running > 0
    }
}
