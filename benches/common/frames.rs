//! Headless frames of the whole workbench for the GUI benchmarks: an
//! `egui::Context` at 1600×1000 runs `Workbench::ui` and tessellates, timed.

#![allow(dead_code)] // each benchmark uses a different subset

use std::time::{Duration, Instant};

use egui::{Event, Pos2, RawInput, Rect};
use marginalia::gui::Workbench;

pub const SIZE: [f32; 2] = [1600.0, 1000.0];

pub fn input(time: f64, events: Vec<Event>) -> RawInput {
    RawInput {
        screen_rect: Some(Rect::from_min_size(Pos2::ZERO, SIZE.into())),
        time: Some(time),
        events,
        ..RawInput::default()
    }
}

pub struct Runner {
    pub ctx: egui::Context,
    pub workbench: Workbench,
    pub time: f64,
}

impl Runner {
    /// A workbench on the start screen, warmed up (fonts in effect), for
    /// an annotator who has given their name (edits are not held up asking).
    pub fn start() -> Runner {
        let ctx = egui::Context::default();
        marginalia::gui::fonts::install(&ctx);
        let settings = marginalia::gui::settings::Settings {
            author: "bench".into(),
            ..Default::default()
        };
        let workbench = Workbench::new(settings, Box::new(marginalia::gui::dialogs::ScriptedDialogs::default()));
        let mut r = Runner {
            ctx,
            workbench,
            time: 0.0,
        };
        r.frame(Vec::new());
        r.frame(Vec::new());
        r
    }

    /// One frame: `run_ui` and tessellation, timed.
    pub fn frame(&mut self, events: Vec<Event>) -> Duration {
        self.time += 1.0 / 60.0;
        let raw = input(self.time, events);
        let t = Instant::now();
        let wb = &mut self.workbench;
        let output = self.ctx.run_ui(raw, |ui| wb.ui(ui));
        let primitives = self.ctx.tessellate(output.shapes, output.pixels_per_point);
        let elapsed = t.elapsed();
        std::hint::black_box(primitives);
        let mut textures = output.textures_delta;
        textures.clear();
        elapsed
    }
}

pub fn p95(times: &mut [Duration]) -> Duration {
    times.sort();
    times[(times.len() * 95 / 100).min(times.len() - 1)]
}

pub fn report(name: &str, value: f64, unit: &str, target: f64) {
    let verdict = if value <= target { "ok" } else { "OVER TARGET" };
    println!("{name:<28} {value:>9.2} {unit:<3} target < {target} {unit}   {verdict}");
}

/// A figure the issues set no target for, reported all the same.
pub fn figure(name: &str, value: f64, unit: &str) {
    println!("{name:<28} {value:>9.2} {unit:<3} (no target)");
}

/// Resident memory of this process (Linux).
pub fn resident_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}
