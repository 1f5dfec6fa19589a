//! What rewind costs in memory: a lesson played for 10 simulated minutes as the page plays it (a
//! frame every 133 ms, a checkpoint kept whenever one is due, as `session::rewind::scrub_figures`
//! does), then the heap the run holds with its checkpoints and without them. Every allocation goes
//! through a counting allocator (`cap`), so the figures are the bytes this process holds, natively
//! (64-bit: the page's wasm32 build holds somewhat less, its pointers and lengths being half as wide).
//!
//! Printed, never asserted: `cargo bench --bench rewind_memory`.

use cap::Cap;
use rebalance_lab::session::lab::Lab;
use rebalance_lab::session::lessons::lesson;
use rebalance_lab::session::rewind::Checkpoints;
use std::alloc::System;

#[global_allocator]
static ALLOCATOR: Cap<System> = Cap::new(System, usize::MAX);

/// Simulated time between two of the page's frames at 10× (as `scrub_figures` plays).
const FRAME_MS: u64 = 133;
const TEN_MINUTES: u64 = 600_000;

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn measure(id: &str) {
    let lesson = lesson(id).expect("a lesson");
    let start = ALLOCATOR.allocated();
    let mut lab = Lab::new(lesson.session()).expect("the lesson builds");
    let mut checkpoints = Checkpoints::default();
    let mut t = 0;
    while t < TEN_MINUTES {
        t += FRAME_MS;
        lab.run_until(t);
        checkpoints.observe(&lab);
    }
    let with_checkpoints = ALLOCATOR.allocated() - start;
    let kept = checkpoints.len();
    drop(checkpoints);
    let run = ALLOCATOR.allocated() - start;
    let copies = with_checkpoints - run;
    println!(
        "{id} ({} lanes, {} trace entries in the first): the run holds {:.1} MiB; its {kept} checkpoints {:.1} MiB more ({:.0} KiB each, {:.1} % of the run)",
        lab.lanes.len(),
        lab.lanes[0].world.trace().len(),
        mib(run),
        mib(copies),
        copies as f64 / kept.max(1) as f64 / 1024.0,
        copies as f64 / run as f64 * 100.0,
    );
}

fn main() {
    println!("rewind's memory: 10 simulated minutes played as the page plays them, checkpoints as it keeps them");
    for id in ["duplicates", "rolling-deploy", "basics"] {
        measure(id);
    }
}
