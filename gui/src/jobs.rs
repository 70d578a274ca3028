//! Work that can take a while on a large cluster (a simulation, a plan) runs on its own thread;
//! on a small one it runs at once, so the answer is there in the same frame (and in tests).

use std::sync::mpsc::{Receiver, channel};

/// Pods above which work moves off the UI thread.
pub const INLINE_BELOW_PODS: usize = 20_000;

pub struct Job<T> {
    receiver: Receiver<T>,
}

impl<T: Send + 'static> Job<T> {
    pub fn start(
        inline: bool,
        ctx: &eframe::egui::Context,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Job<T> {
        let (sender, receiver) = channel();
        if inline {
            let _ = sender.send(work());
        } else {
            let ctx = ctx.clone();
            std::thread::Builder::new()
                .name("quorum-job".into())
                .spawn(move || {
                    let _ = sender.send(work());
                    ctx.request_repaint();
                })
                .expect("a thread for the job");
        }
        Job { receiver }
    }

    /// The answer, once.
    pub fn poll(&self) -> Option<T> {
        self.receiver.try_recv().ok()
    }
}
