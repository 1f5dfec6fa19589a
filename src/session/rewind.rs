//! Time both ways. The model is deterministic, so an earlier moment of a run is rebuilt by replaying
//! it ([`Lab::rewound`]); copies of the run kept every few seconds of simulated time (checkpoints)
//! make that replay short. The furthest time the run reached (its head) bounds the scrubber.

use super::lab::Lab;
use crate::sim::{Millis, ScenarioError};

/// Simulated time between two checkpoints, at first.
const SPACING_MS: Millis = 5_000;
/// At most this many copies are kept; past it, every other one goes and the spacing doubles, so a
/// long run costs memory in proportion to its logarithm, not its length. A copy shares its trace
/// with the live run (`sim::Trace` keeps it in shared chunks), so it costs the Worlds' state and at
/// most a chunk of trace per lane: 64 copies keep a 10-minute run's rewinds to replays of 10 s.
const MAX_CHECKPOINTS: usize = 64;

/// Copies of one run at increasing times, and the furthest time it reached.
pub struct Checkpoints {
    labs: Vec<Lab>,
    spacing: Millis,
    /// When the next copy is due: `spacing` after the last one was taken (which thinning may have
    /// dropped since, so it is kept here rather than read off the copies).
    next_due: Millis,
    head: Millis,
}

impl Default for Checkpoints {
    fn default() -> Self {
        Checkpoints {
            labs: Vec::new(),
            spacing: SPACING_MS,
            next_due: 0,
            head: 0,
        }
    }
}

impl Checkpoints {
    /// The furthest simulated time the run has reached.
    pub fn head(&self) -> Millis {
        self.head
    }

    /// Called as the run moves: keeps a copy when one is due.
    pub fn observe(&mut self, lab: &Lab) {
        self.reached(lab);
        if !self.due(lab) {
            return;
        }
        self.labs.push(lab.clone());
        while self.labs.len() > MAX_CHECKPOINTS {
            self.thin();
        }
        self.next_due = lab.now() + self.spacing;
    }

    /// Every other copy goes (the first stays), and copies are taken half as often.
    fn thin(&mut self) {
        let mut keep = false;
        self.labs.retain(|_| {
            keep = !keep;
            keep
        });
        self.spacing *= 2;
    }

    /// Called as the run moves when no copy may be taken now (see [`Checkpoints::due`]): only the
    /// head follows.
    pub fn reached(&mut self, lab: &Lab) {
        self.head = self.head.max(lab.now());
    }

    /// Whether [`Checkpoints::observe`] would copy `lab` now. A copy costs a copy of every World's
    /// state (the trace is shared), so a caller that must not pause (an animation) may put it off and
    /// observe later: the copy is then taken at that later time.
    pub fn due(&self, lab: &Lab) -> bool {
        lab.now() >= self.next_due && lab.pending().is_empty()
    }

    /// The run forked at `now` (the user acted after a rewind): later copies describe a future
    /// that no longer exists.
    pub fn forked(&mut self, now: Millis) {
        self.labs.retain(|l| l.now() <= now);
        self.next_due = self.labs.last().map_or(0, |last| last.now() + self.spacing);
        self.head = now;
    }

    /// `lab`'s run at time `t`, rebuilt from the nearest copy at or before `t`.
    pub fn rewind(&self, lab: &Lab, t: Millis) -> Result<Lab, ScenarioError> {
        let t = t.min(self.head.max(lab.now()));
        let from = self.labs.iter().rev().find(|c| c.now() <= t);
        lab.rewound(from, t)
    }

    /// How many copies are kept (for the benchmark's and the tests' figures).
    pub fn len(&self) -> usize {
        self.labs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labs.is_empty()
    }
}

/// What scrubbing a lesson's 10-minute run cost: the run observed as the page observes it, then a
/// seek to every 10 s of it, each timed with `clock` (milliseconds).
#[derive(Clone, Debug)]
pub struct ScrubFigures {
    pub lesson: &'static str,
    pub lanes: usize,
    pub trace_entries: usize,
    pub checkpoints: usize,
    pub seeks: usize,
    pub median_ms: f64,
    pub slowest_ms: f64,
}

impl std::fmt::Display for ScrubFigures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}, 10 min, {} lanes: {} trace entries in the main lane, {} checkpoints; {} seeks, median {:.1} ms, slowest {:.1} ms",
            self.lesson,
            self.lanes,
            self.trace_entries,
            self.checkpoints,
            self.seeks,
            self.median_ms,
            self.slowest_ms
        )
    }
}

/// Plays lesson `id` for 10 simulated minutes under its own strategies, keeping checkpoints as the
/// page does at each frame of 133 ms, then seeks to 0 s, 10 s, … 600 s and times each seek.
pub fn scrub_figures(id: &str, clock: &mut dyn FnMut() -> f64) -> ScrubFigures {
    let lesson = super::lessons::lesson(id).expect("a lesson");
    let mut lab = Lab::new(lesson.session()).expect("the lesson builds");
    let mut checkpoints = Checkpoints::default();
    let mut t = 0;
    while t < 600_000 {
        t += 133;
        lab.run_until(t);
        checkpoints.observe(&lab);
    }
    let mut seeks: Vec<f64> = (0..=60)
        .map(|i| {
            let started = clock();
            let back = checkpoints.rewind(&lab, i * 10_000).expect("rewinds");
            let took = clock() - started;
            debug_assert_eq!(back.now(), i * 10_000);
            took
        })
        .collect();
    seeks.sort_by(f64::total_cmp);
    ScrubFigures {
        lesson: lesson.id,
        lanes: lab.lanes.len(),
        trace_entries: lab.lanes[0].world.trace().len(),
        checkpoints: checkpoints.len(),
        seeks: seeks.len(),
        median_ms: seeks[seeks.len() / 2],
        slowest_ms: seeks[seeks.len() - 1],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::lessons::lesson;
    use crate::session::{Session, Strategy};
    use crate::sim::Action;

    fn lab() -> Lab {
        Lab::new(Session {
            scenario: lesson("basics").unwrap().scenario(),
            strategies: vec![Strategy::KafkaDefault, Strategy::CooperativeSticky],
            actions: Vec::new(),
            until_ms: 0,
        })
        .unwrap()
    }

    /// A run with a kill and a stall, observed as the page would, up to 90 s.
    fn played(checkpoints: &mut Checkpoints) -> Lab {
        let mut lab = lab();
        let acts = [
            (
                12_000,
                Action::KillConsumer {
                    consumer: "c2".into(),
                },
            ),
            (
                30_000,
                Action::StallConsumer {
                    consumer: "c1".into(),
                    ms: 40_000,
                },
            ),
        ];
        let mut t = 0;
        for (at, action) in acts {
            while t < at {
                t = (t + 133).min(at);
                lab.run_until(t);
                checkpoints.observe(&lab);
            }
            t = at;
            lab.apply(action).unwrap();
        }
        while t < 90_000 {
            t = (t + 133).min(90_000);
            lab.run_until(t);
            checkpoints.observe(&lab);
        }
        lab
    }

    fn same(a: &Lab, b: &Lab) {
        for (x, y) in a.lanes.iter().zip(&b.lanes) {
            assert_eq!(x.world.trace(), y.world.trace());
            assert_eq!(x.world.snapshot(), y.world.snapshot());
        }
        assert_eq!(a.all_actions(), b.all_actions());
    }

    #[test]
    fn rewinding_then_moving_forward_again_gives_the_identical_run() {
        let mut checkpoints = Checkpoints::default();
        let end = played(&mut checkpoints);
        assert!(!checkpoints.is_empty());
        for t in [0, 5_000, 11_999, 12_000, 20_000, 31_000, 89_000] {
            let mut back = checkpoints.rewind(&end, t).unwrap();
            assert_eq!(back.now(), t);
            assert!(back.session.actions.iter().all(|a| a.at_ms <= t));
            // The same moment rebuilt from time zero, without checkpoints, is the same.
            same(&back, &end.rewound(None, t).unwrap());
            back.run_until(90_000);
            same(&back, &end);
        }
    }

    /// With records flowing the trace grows fast: the copies share it with the live run (each
    /// clones at most one chunk of it per lane), thinning keeps their number bounded, and a rewind
    /// still rebuilds the identical run.
    #[test]
    fn a_long_run_with_records_shares_its_trace_with_its_copies() {
        let scenario = lesson("duplicates").unwrap().scenario();
        let mut lab = Lab::new(Session {
            scenario,
            strategies: vec![Strategy::KafkaDefault],
            actions: Vec::new(),
            until_ms: 0,
        })
        .unwrap();
        let mut checkpoints = Checkpoints::default();
        let mut t = 0;
        while t < 400_000 {
            t += 100;
            lab.run_until(t);
            checkpoints.observe(&lab);
            assert!(checkpoints.len() <= MAX_CHECKPOINTS);
        }
        assert!(lab.trace_entries() > 100_000, "a long trace");
        assert!(
            checkpoints.len() > MAX_CHECKPOINTS / 2,
            "thinned, not emptied"
        );
        let live = lab.lanes[0].world.trace();
        for copy in &checkpoints.labs {
            let trace = copy.lanes[0].world.trace();
            assert!(
                trace.len() - trace.shared_with(live) < 512,
                "a copy at {} ms clones {} of its {} entries",
                copy.now(),
                trace.len() - trace.shared_with(live),
                trace.len()
            );
        }
        for at in [3_000, 64_000, 149_000, 399_000] {
            same(
                &checkpoints.rewind(&lab, at).unwrap(),
                &lab.rewound(None, at).unwrap(),
            );
        }
    }

    #[test]
    fn stepping_forward_after_a_rewind_replays_the_recorded_actions() {
        let mut checkpoints = Checkpoints::default();
        let end = played(&mut checkpoints);
        let mut back = checkpoints.rewind(&end, 11_000).unwrap();
        while back.now() < 12_000 {
            back.step().unwrap();
        }
        assert_eq!(back.now(), 12_000, "the recorded kill is a step of its own");
        assert_eq!(back.session.actions.len(), 1);
        back.run_until(90_000);
        same(&back, &end);
    }

    /// Figures, not a timing assert: what scrubbing a 10-minute run costs, for the lesson with the
    /// most lanes and the one whose records make the longest traces (the browser's figures:
    /// `tests/web_bench.rs`).
    #[test]
    fn scrubbing_a_ten_minute_run_prints_its_cost() {
        let start = std::time::Instant::now();
        let mut clock = || start.elapsed().as_secs_f64() * 1000.0;
        for id in ["rolling-deploy", "duplicates"] {
            let figures = scrub_figures(id, &mut clock);
            assert_eq!(figures.seeks, 61);
            println!("{figures} (native)");
        }
    }

    #[test]
    fn acting_after_a_rewind_forks_the_run() {
        let mut checkpoints = Checkpoints::default();
        let end = played(&mut checkpoints);
        let mut back = checkpoints.rewind(&end, 20_000).unwrap();
        assert_eq!(back.pending().len(), 1, "the stall at 30 s is still ahead");
        back.apply(Action::CloseConsumer {
            consumer: "c3".into(),
        })
        .unwrap();
        checkpoints.forked(back.now());
        assert!(back.pending().is_empty(), "the later stall is dropped");
        assert_eq!(checkpoints.head(), 20_000);
        back.run_until(60_000);
        assert_eq!(back.session.actions.len(), 2);
        let s = back.lanes[0].world.snapshot();
        let c1 = s.consumers.iter().find(|c| c.handle == "c1").unwrap();
        assert_ne!(c1.state, crate::sim::vocab::ConsumerState::Stalled);
    }
}
