//! `--measure`: time to the first frame with the cluster drawn, then frame times zoomed out (the
//! whole cluster) and zoomed in (a few node cards), printed, then the window closes.

use std::time::{Duration, Instant};

use eframe::egui::{Rect, vec2};

use crate::canvas::{Canvas, Layout};

const WARMUP: usize = 5;
const FRAMES: usize = 60;

#[derive(Default)]
pub struct Measure {
    pods: usize,
    window_at: Option<Duration>,
    first_frame: Option<Duration>,
    phase: usize,
    skipped: usize,
    zoomed_out: Vec<f32>,
    zoomed_in: Vec<f32>,
    /// The app's own share of each frame (laying out panels and painting the canvas into shapes).
    app_out: Vec<f32>,
    app_in: Vec<f32>,
    whatif_started: Option<Instant>,
    whatif_took: Option<Duration>,
    /// Frames drawn while the what-if ran on its thread.
    whatif_frames: Vec<f32>,
}

/// What the window does next.
pub enum Next {
    Continue,
    /// Fail the first zone, as a user would with the Fail tool.
    StartWhatIf,
    Done,
}

impl Measure {
    /// Called on every frame; the first one is the window appearing (still loading).
    pub fn window_shown(&mut self, started: Instant) {
        self.window_at.get_or_insert(started.elapsed());
    }

    pub fn loaded(&mut self, pods: usize) {
        self.pods = pods;
    }

    /// Called after each frame drawn with a session; `cpu` is eframe's CPU time of the previous
    /// frame (the app and the rendering). Frames are counted once the loader's sweep is done
    /// (`sweeping`: it shares the cores for a few seconds after the first frame).
    pub fn frame(
        &mut self,
        canvas: &mut Canvas,
        layout: &Layout,
        cpu: Option<f32>,
        app: Duration,
        (whatif_running, sweeping): (bool, bool),
        started: Instant,
    ) -> Next {
        match self.phase {
            0 => {
                self.first_frame = Some(started.elapsed());
                let broken = layout.volumes.iter().filter(|v| v.broken).count();
                println!(
                    "volumes drawn: {}, with a broken affinity: {broken}",
                    layout.volumes.len()
                );
                canvas.fit();
                self.phase = 1;
            }
            1 | 2 => {
                if sweeping {
                    // Not counted: the frames of the window while the sweep runs beside it.
                } else if self.skipped < WARMUP {
                    self.skipped += 1;
                } else if let Some(cpu) = cpu {
                    let (samples, own) = if self.phase == 1 {
                        (&mut self.zoomed_out, &mut self.app_out)
                    } else {
                        (&mut self.zoomed_in, &mut self.app_in)
                    };
                    samples.push(cpu * 1000.0);
                    own.push(app.as_secs_f32() * 1000.0);
                    if samples.len() >= FRAMES {
                        self.skipped = 0;
                        self.phase += 1;
                        if self.phase == 2 {
                            // A few node cards, every pod drawn.
                            let card = layout
                                .cards
                                .iter()
                                .find(|c| c.is_positive())
                                .copied()
                                .unwrap_or(layout.bounds);
                            canvas.set_scene_rect(Rect::from_min_size(
                                card.min - vec2(20.0, 20.0),
                                vec2(900.0, 560.0),
                            ));
                        }
                    }
                }
                // Pan a little so every frame has something new to draw.
                let r = canvas.scene_rect();
                let step = if self.phase == 1 {
                    r.width() * 0.002
                } else {
                    1.0
                };
                canvas.set_scene_rect(r.translate(vec2(step, 0.0)));
            }
            3 => {
                self.phase = 4;
                self.whatif_started = Some(Instant::now());
                return Next::StartWhatIf;
            }
            4 if whatif_running => {
                if let Some(cpu) = cpu {
                    self.whatif_frames.push(cpu * 1000.0);
                }
            }
            4 => {
                self.whatif_took = self.whatif_started.map(|s| s.elapsed());
                self.print();
                self.phase = 5;
                return Next::Done;
            }
            _ => return Next::Done,
        }
        Next::Continue
    }

    fn print(&self) {
        let stats = |v: &[f32]| {
            let mut v = v.to_vec();
            v.sort_by(f32::total_cmp);
            let at = |q: f32| v[((v.len() - 1) as f32 * q).round() as usize];
            format!(
                "median {:.1} ms, p95 {:.1} ms, max {:.1} ms over {} frames",
                at(0.5),
                at(0.95),
                at(1.0),
                v.len()
            )
        };
        println!("pods: {}", self.pods);
        if let Some(t) = self.window_at {
            println!(
                "time to the first frame (the window, loading): {:.2} s",
                t.as_secs_f32()
            );
        }
        if let Some(t) = self.first_frame {
            println!(
                "time to first frame with the cluster: {:.2} s",
                t.as_secs_f32()
            );
        }
        println!(
            "zoomed out (every zone, counts): frame CPU {}",
            stats(&self.zoomed_out)
        );
        println!(
            "  the app's part (panels, canvas shapes): {}",
            stats(&self.app_out)
        );
        println!(
            "zoomed in (node cards with their pods): frame CPU {}",
            stats(&self.zoomed_in)
        );
        println!(
            "  the app's part (panels, canvas shapes): {}",
            stats(&self.app_in)
        );
        if let Some(took) = self.whatif_took {
            println!(
                "what-if (fail the first zone, simulated off the UI thread): {:.2} s to the result",
                took.as_secs_f32()
            );
            if !self.whatif_frames.is_empty() {
                println!("  frames meanwhile: {}", stats(&self.whatif_frames));
            }
        }
    }
}
