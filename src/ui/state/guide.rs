//! A guided lesson in progress: which step, and whether it is asking, playing towards its moment,
//! or has shown it. The steps and their moments are `session::lessons`'s; this only drives them
//! through the page's Lab and clock.

use super::{PageState, Tab};
use crate::session::lessons::guide::{self, Step, Watch};
use crate::session::lessons::{self, Lesson};
use crate::sim::Millis;

/// The speed a guided step plays at: slow enough to talk over.
pub const GUIDE_SPEED: f64 = 2.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// The step's question waits for an answer; the simulation does not move.
    Asking,
    /// Playing towards the step's moment.
    Playing,
    /// The moment has come: the step says what happened.
    Shown,
    /// After the last step (or after the learner acted): the lesson's scenario is theirs.
    Sandbox,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Guide {
    pub lesson: &'static str,
    pub step: usize,
    pub phase: Phase,
    /// The learner's answer to this step's question.
    pub chosen: Option<usize>,
    /// Set when the learner's own action ended the guided steps.
    pub took_over: bool,
    /// Each lane's trace length and the time when the step began: where its moment is looked for.
    since: Vec<usize>,
    start: Millis,
}

impl Guide {
    pub fn lesson(&self) -> &'static Lesson {
        lessons::lesson(self.lesson).expect("a guide is only made for a lesson")
    }

    pub fn steps(&self) -> Vec<Step> {
        self.lesson().steps()
    }

    pub fn current(&self) -> Option<Step> {
        self.steps().into_iter().nth(self.step)
    }
}

/// The tab a step's watched part lives on, if any.
fn tab_of(watch: &Watch) -> Option<Tab> {
    match watch {
        Watch::Timeline => Some(Tab::Timeline),
        Watch::Protocol => Some(Tab::Protocol),
        Watch::Code => Some(Tab::Code),
        _ => None,
    }
}

impl PageState {
    /// Opens lesson `id` at step `k`, rebuilt by replaying the steps before it.
    pub(super) fn start_guide(&mut self, id: &str, k: usize) {
        let Some(lesson) = lessons::lesson(id) else {
            self.page_notice(format!("There is no lesson \"{id}\"."));
            return;
        };
        let steps = lesson.steps();
        let k = k.min(steps.len());
        let session = lesson.session();
        match guide::lab_at_step(session, &steps, k) {
            Ok(lab) => {
                self.install_lab(lab);
                self.notice = None;
                self.selected = None;
                self.refresh(true);
                // Slow enough to talk over; the teacher's own choice stands from then on.
                self.clock.speed = GUIDE_SPEED;
                self.guide = Some(Guide {
                    lesson: lesson.id,
                    step: k,
                    phase: Phase::Sandbox,
                    chosen: None,
                    took_over: false,
                    since: Vec::new(),
                    start: 0,
                });
                self.enter_step();
            }
            Err(e) => self.page_notice(format!("This lesson cannot be opened: {e}.")),
        }
    }

    /// Begins the current step: its actions, then its question or its play.
    fn enter_step(&mut self) {
        self.clock.pause();
        let Some(g) = self.guide.as_mut() else { return };
        g.chosen = None;
        let Some(step) = g.current() else {
            g.phase = Phase::Sandbox;
            return;
        };
        if let Err(e) = self.lab.change(|lab| guide::begin(lab, &step)) {
            self.page_notice(e);
            return;
        }
        let lab = self.lab.read();
        let since = guide::trace_lengths(&lab);
        let start = lab.now();
        drop(lab);
        if let Some(tab) = tab_of(&step.watch) {
            self.tab = tab;
        }
        if let Watch::Consumer(c) = step.watch {
            self.selected = Some(c.to_string());
        }
        let g = self.guide.as_mut().expect("checked above");
        g.since = since;
        g.start = start;
        if step.question.is_some() {
            g.phase = Phase::Asking;
        } else {
            g.phase = Phase::Playing;
            self.clock.play();
        }
        self.refresh(true);
    }

    pub(super) fn guide_answer(&mut self, choice: usize) {
        let Some(g) = self.guide.as_mut().filter(|g| g.phase == Phase::Asking) else {
            return;
        };
        g.chosen = Some(choice);
        g.phase = Phase::Playing;
        self.clock.play();
    }

    pub(super) fn guide_next(&mut self) {
        let Some(g) = self.guide.as_mut() else { return };
        if g.phase != Phase::Shown {
            return;
        }
        g.step += 1;
        self.enter_step();
    }

    pub(super) fn guide_back(&mut self) {
        let Some(g) = &self.guide else { return };
        let (id, k) = (g.lesson, g.step.saturating_sub(1));
        self.start_guide(id, k);
    }

    pub(super) fn guide_restart(&mut self) {
        if let Some(g) = &self.guide {
            self.start_guide(g.lesson, 0);
        }
    }

    /// The learner leaves the steps: the scenario, as it stands, is theirs.
    pub(super) fn guide_to_sandbox(&mut self, took_over: bool) {
        if let Some(g) = self.guide.as_mut().filter(|g| g.phase != Phase::Sandbox) {
            g.phase = Phase::Sandbox;
            g.took_over = took_over;
            g.step = g.steps().len();
        }
    }

    /// Whether the clock may move: never while a question waits for its answer.
    pub(super) fn guide_holds_clock(&self) -> bool {
        self.guide
            .as_ref()
            .is_some_and(|g| g.phase == Phase::Asking)
    }

    /// Moves the model towards `target` (or one event on with `None`); while a step plays, stops at
    /// its moment and shows it. Returns false when no guided step is playing (the caller moves the
    /// model as usual).
    pub(super) fn guide_advance(&mut self, target: Option<Millis>) -> bool {
        let Some(g) = self.guide.as_ref().filter(|g| g.phase == Phase::Playing) else {
            return false;
        };
        let Some(step) = g.current() else {
            return false;
        };
        let (since, start) = (g.since.clone(), g.start);
        let came = self.lab.change(|lab| {
            let target = target
                .or_else(|| lab.lanes[0].world.next_event_time())
                .unwrap_or(lab.now());
            guide::run_towards(lab, &step.until, &since, start, target)
        });
        if came {
            self.clock.pause();
            if let Some(g) = self.guide.as_mut() {
                g.phase = Phase::Shown;
            }
        }
        true
    }

    /// The lesson's place for the share link, while a step is open.
    pub fn guide_place(&self) -> Option<(&'static str, usize)> {
        self.guide
            .as_ref()
            .filter(|g| g.phase != Phase::Sandbox)
            .map(|g| (g.lesson, g.step))
    }
}
