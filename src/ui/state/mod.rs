//! The page's state, as a Yew reducer. [`PageState`] is plain data the components read — the lanes'
//! snapshots and metrics, the clock, the selection, the open tab, a refusal to show — plus one handle
//! to the model ([`LabHandle`]). Every user gesture becomes a [`PageAction`]; the reducer applies it
//! to the Lab and re-reads the lanes, so the model changes through `Lab`, never around it.

mod clock;
pub mod embed;
mod guide;
mod lab_handle;
mod lanes;
mod message_fields;
mod messages;
mod notice;

pub use clock::Clock;
pub use guide::{Guide, Phase};
pub use lab_handle::real_now;
pub use lab_handle::LabHandle;
pub use lanes::{groups_in_order, LaneView};
pub use messages::MessageRow;
pub use notice::{sentence, Notice, NoticeAt};

use crate::session::lessons::{self, LESSONS};
use crate::session::{phase, share_link, Lab, Session, Strategy};
use crate::sim::sort;
use crate::sim::{Action, Millis, Scenario};
use std::rc::Rc;
use yew::prelude::*;

/// The speed a page opens at: real time, slow enough for a teacher to talk over (a rebalance of the
/// classroom timings takes a few seconds); "Skip to Stable" and "Next phase" jump the waits.
pub const START_SPEED: f64 = 1.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Timeline,
    Protocol,
    Metrics,
    Code,
}

impl Tab {
    const ALL: [Tab; 4] = [Tab::Timeline, Tab::Protocol, Tab::Metrics, Tab::Code];

    /// The tab's word in a share link (`&view=protocol`).
    pub fn key(self) -> &'static str {
        match self {
            Tab::Timeline => "timeline",
            Tab::Protocol => "protocol",
            Tab::Metrics => "metrics",
            Tab::Code => "code",
        }
    }

    fn from_key(key: &str) -> Option<Tab> {
        Tab::ALL.into_iter().find(|t| t.key() == key)
    }
}

/// Everything the page shows, as plain data, and the one handle to the model behind it. Cloning it
/// is cheap: the lanes are `Rc`s and the Lab is shared (see [`LabHandle`]).
#[derive(Clone)]
pub struct PageState {
    /// Private: components read the lanes; only the reducer's methods below reach the Lab.
    lab: LabHandle,
    /// One per strategy, the main one first: what the components draw.
    pub lanes: Vec<LaneView>,
    /// The lesson the session's scenario is, unchanged; `None` for a loaded or shared scenario of one's own.
    pub lesson: Option<&'static str>,
    pub clock: Clock,
    /// The consumer the Code tab shows (a handle); the first consumer when nothing is chosen.
    pub selected: Option<String>,
    pub notice: Option<Notice>,
    pub tab: Tab,
    pub hide_heartbeats: bool,
    /// The message whose fields the protocol view shows, by trace index (set through
    /// `select_message`, which writes its fields).
    pub selected_message: Option<usize>,
    /// The selected message's fields as JSON, written when it is selected.
    pub selected_fields: Option<Rc<str>>,
    /// The guided lesson being followed, if any.
    pub guide: Option<Guide>,
    /// The furthest time the run reached, and its rebalances up to then: the scrubber's range and
    /// ticks (an earlier moment's lanes only know their past).
    pub head: Millis,
    pub marks: Rc<Vec<RebalanceMark>>,
    /// The keyboard shortcuts' overlay is open.
    pub show_keys: bool,
    /// Presenter mode: larger type and thicker lines for a projector.
    pub presenter: bool,
}

/// A rebalance on the scrubber: when it started, its group and the generation it produced.
#[derive(Clone, Debug, PartialEq)]
pub struct RebalanceMark {
    pub at: Millis,
    pub group: String,
    pub generation: i32,
    pub reason: String,
}

#[derive(Clone, Debug)]
pub enum PageAction {
    /// A timer fired; the argument is the real clock in ms (`performance.now()`).
    Tick(f64),
    Play,
    Pause,
    Step,
    /// To the group's next phase (its coordinator state changes), not the next instant.
    NextPhase,
    /// Straight to the moment every group and running consumer is Stable.
    SkipToStable,
    SetSpeed(f64),
    /// Back to time 0 with the same scenario and strategies, forgetting the user's actions.
    Reset,
    LoadLesson(String),
    /// Open a shared session; a broken link gives a notice and changes nothing.
    OpenShared(String),
    /// Load a scenario file's JSON; an invalid one gives a notice and changes nothing.
    LoadScenario(String),
    /// A model action from a control, with where to show a refusal.
    Do(Action, NoticeAt),
    /// A refusal found before reaching the model (e.g. an empty form field).
    Refuse(NoticeAt, String),
    SetStrategies(Vec<Strategy>),
    Select(String),
    ShowTab(Tab),
    ToggleHeartbeats,
    SelectMessage(Option<usize>),
    DismissNotice,
    /// Show the run at this time (rewind, or forward up to its head).
    SeekTo(Millis),
    /// Back to the previous instant that recorded something.
    StepBack,
    /// One notch faster (+1) or slower (−1) on the speed slider's scale.
    NudgeSpeed(i32),
    ToggleKeys,
    /// Escape: close the shortcuts overlay.
    CloseOverlays,
    TogglePresenter,
    /// Start lesson `id`'s guided steps at step `k`.
    StartGuide(String, usize),
    GuideAnswer(usize),
    GuideNext,
    GuideBack,
    GuideRestart,
    /// Leave the steps for the free sandbox.
    GuideSandbox,
    /// Close the guide panel.
    GuideClose,
}

/// What components get to send actions: comparable, so props that hold it still diff cheaply.
pub type Dispatch = UseReducerDispatcher<PageState>;

impl PageState {
    /// The first lesson at time zero, under Kafka's default strategy.
    pub fn initial() -> Self {
        let lesson = &LESSONS[0];
        let session = Session {
            scenario: lesson.scenario(),
            strategies: vec![Strategy::KafkaDefault],
            actions: Vec::new(),
            until_ms: 0,
        };
        let lab = Lab::new(session).expect("the first lesson is a valid scenario");
        let mut state = PageState {
            lab: LabHandle::new(lab),
            lanes: Vec::new(),
            lesson: Some(lesson.id),
            clock: Clock::paused_at(START_SPEED),
            selected: None,
            notice: None,
            tab: Tab::Timeline,
            hide_heartbeats: true,
            selected_message: None,
            selected_fields: None,
            guide: None,
            head: 0,
            marks: Rc::default(),
            show_keys: false,
            presenter: false,
        };
        state.refresh(true);
        state
    }

    pub fn now(&self) -> Millis {
        self.lanes.first().map_or(0, |l| l.snapshot.now)
    }

    pub fn comparing(&self) -> bool {
        self.lanes.len() > 1
    }

    pub fn session(&self) -> Session {
        self.lab.read().session.clone()
    }

    /// The scenario's timed actions the model refused when their time came (see
    /// [`crate::session::lab::Lab::refused_action_notes`]).
    pub fn refused_action_notes(&self) -> Vec<String> {
        self.lab.read().refused_action_notes()
    }

    /// The current session as scenario-file JSON (see the README's "Scenario files"): what the main
    /// column ran, its strategy written into the groups, so `lab run` and the scenario box replay it.
    pub fn scenario_json(&self) -> String {
        crate::session::export::main_scenario(&self.lab.read()).to_json()
    }

    /// The main column's trace as `lab run --json` prints it for the same session (see
    /// `session::export`).
    pub fn trace_json(&self) -> Option<String> {
        crate::session::export::lane_trace_json(&self.lab.read(), 0)
    }

    /// The current session as a share link's fragment (`z=…`), with the lesson's place and the
    /// open tab and selected message: the link opens on what its author was pointing at.
    pub fn share_fragment(&self) -> String {
        share_link::with_view(self.embed_fragment(), self.tab.key(), self.selected_message)
    }

    /// The session and the lesson's place, without the open tab: an embed shows its own view.
    pub fn embed_fragment(&self) -> String {
        share_link::with_place(
            share_link::encode(&self.lab.read().saved_session()),
            self.guide_place(),
        )
    }

    /// An embed's link back to the full playground: its session and lesson place, and the tab that
    /// shows what the embed showed (the Protocol embed opens the Protocol tab, with its selected
    /// message); the group and Compare embeds, which have no tab of their own, keep the page's tab.
    pub fn playground_fragment(&self, view: embed::EmbedView) -> String {
        let tab = match view {
            embed::EmbedView::Timeline => Tab::Timeline,
            embed::EmbedView::Protocol => Tab::Protocol,
            embed::EmbedView::Group | embed::EmbedView::Compare | embed::EmbedView::Playground => {
                self.tab
            }
        };
        share_link::with_view(self.embed_fragment(), tab.key(), self.selected_message)
    }

    /// The main lane's callout when nothing happens to `group` (see
    /// `session::explain::group::quiet_callout`).
    pub fn quiet_callout(&self, group: &str) -> Option<String> {
        let lab = self.lab.read();
        crate::session::explain::group::quiet_callout(&lab.lanes[0].world, group, self.now())
    }

    /// The tab and message a share link names (after its session is open).
    fn open_view(&mut self, fragment: &str) {
        if let Some((tab, message)) = share_link::view(fragment) {
            if let Some(tab) = Tab::from_key(&tab) {
                self.tab = tab;
            }
            self.select_message(message);
        }
    }

    /// Selects a message of the main lane's trace (by index) for the protocol view's detail pane.
    fn select_message(&mut self, id: Option<usize>) {
        self.selected_message = id;
        self.selected_fields = id.and_then(|id| {
            let lab = self.lab.read();
            let fields = messages::fields_of(lab.lanes[0].world.trace().get(id)?)?;
            Some(Rc::from(fields))
        });
    }

    /// The group the tabs talk about: the selected consumer's, else the first consumer's.
    pub fn focus_group(&self) -> String {
        let consumers = &self.lanes[0].snapshot.consumers;
        self.selected
            .as_ref()
            .and_then(|h| consumers.iter().find(|c| &c.handle == h))
            .or(consumers.first())
            .map(|c| c.group.clone())
            .unwrap_or_else(|| "orders-app".into())
    }

    /// Re-reads the lanes from the Lab, then keeps the selection on a consumer that exists.
    fn refresh(&mut self, with_metrics: bool) {
        crate::ui::crash::remember(self.lab.id(), &self.lab.read());
        self.lanes = lanes::read_lanes(&self.lab.read(), &self.lanes, with_metrics);
        self.head = self.lab.head().max(self.now());
        if self.now() >= self.head {
            self.marks = Rc::new(marks_of(&self.lanes[0]));
        }
        let consumers = &self.lanes[0].snapshot.consumers;
        if let Some(handle) = &self.selected {
            if !consumers.iter().any(|c| &c.handle == handle) {
                self.selected = None;
            }
        }
        if self.selected.is_none() {
            self.selected = consumers.first().map(|c| c.handle.clone());
        }
    }

    /// Rebuilds the Lab from a session (replaying its actions); on error nothing changes.
    fn replace_lab(&mut self, session: Session) -> Result<(), String> {
        let lab = Lab::new(session).map_err(|e| e.to_string())?;
        self.install_lab(lab);
        self.guide = None;
        self.refresh(true);
        Ok(())
    }

    /// Makes `lab` the page's model (the caller refreshes the lanes).
    fn install_lab(&mut self, lab: Lab) {
        self.lesson = lessons::lesson_of(&lab.session.scenario).map(|l| l.id);
        self.lab = LabHandle::new(lab);
        // Message rows are only reused while the trace they came from grows.
        self.lanes.clear();
        self.select_message(None);
    }

    fn page_notice(&mut self, text: String) {
        self.notice = Some(Notice {
            at: NoticeAt::Page,
            text,
        });
    }

    fn tick(&mut self, real_now: f64) {
        let Some(tick) = self.clock.tick(real_now) else {
            return;
        };
        if self.lab.read().trace_full() {
            return self.stop_at_memory_bound();
        }
        let target = self.now() + tick.advance_ms;
        if !self.guide_advance(Some(target)) {
            self.lab.advance(|lab| run_within_budget(lab, target));
        }
        let shown = !self.clock.playing;
        self.refresh(tick.refresh_metrics || shown);
    }

    /// The run holds as much trace as the page keeps: playing stops, and the page says why and what
    /// is still possible (the run itself is intact).
    fn stop_at_memory_bound(&mut self) {
        self.clock.pause();
        self.page_notice(crate::session::lab::trace_full_notice());
        self.refresh(true);
    }

    fn step(&mut self) {
        self.clock.pause();
        if self.guide_holds_clock() {
            return;
        }
        if !self.guide_advance(None) {
            self.lab.change(|lab| lab.step());
        }
        self.refresh(true);
    }

    fn next_phase(&mut self) {
        self.clock.pause();
        if self.guide_holds_clock() {
            return;
        }
        // While a guided step plays, the phase's time is only a target: the step still stops at
        // its own moment if that comes first.
        let target = self
            .lab
            .read()
            .clone()
            .step_to_next_phase(phase::PHASE_LOOKAHEAD_MS);
        if let Some(t) = target {
            if !self.guide_advance(Some(t)) {
                self.lab.change(|lab| lab.run_until(t));
            }
        }
        self.refresh(true);
    }

    fn skip_to_stable(&mut self) {
        self.clock.pause();
        let reached = self
            .lab
            .change(|lab| lab.run_until_stable(phase::PHASE_LOOKAHEAD_MS));
        self.refresh(true);
        if !reached {
            self.page_notice(format!(
                "The group is not Stable within {} s of simulated time; the clock stopped there.",
                phase::PHASE_LOOKAHEAD_MS / 1000
            ));
        }
    }

    fn reset(&mut self) {
        if self.guide.is_some() {
            self.guide_restart();
            return;
        }
        let mut session = self.session();
        session.actions.clear();
        self.clock.pause();
        self.notice = None;
        if let Err(e) = self.replace_lab(session) {
            self.page_notice(e);
        }
    }

    fn load_lesson(&mut self, id: &str) {
        let Some(lesson) = lessons::lesson(id) else {
            self.page_notice(format!("There is no lesson \"{id}\"."));
            return;
        };
        // A lesson comes with the protocols its description and questions are about (KIP-848's lesson
        // under KIP-848, "eager against cooperative" side by side): keeping the page's previous choice
        // showed the KIP-848 lesson as an eager group under its KIP-848 description.
        let session = lesson.session();
        self.clock.pause();
        self.selected = None;
        self.notice = None;
        if let Err(e) = self.replace_lab(session) {
            self.page_notice(e);
        }
    }

    fn open_shared(&mut self, fragment: &str) {
        if let Some((lesson, step)) = share_link::place(fragment) {
            self.start_guide(&lesson, step);
            self.open_view(fragment);
            return;
        }
        let opened = share_link::decode(fragment)
            .map_err(|e| e.to_string())
            .and_then(|s| self.replace_lab(s));
        self.notice = None;
        match opened {
            Ok(()) => self.open_view(fragment),
            Err(e) => self.page_notice(format!(
                "This share link cannot be opened: {e}. The page kept its current state."
            )),
        }
    }

    fn load_scenario(&mut self, text: &str) {
        let strategies = self.session().strategies;
        let loaded = Scenario::from_json(text)
            .map_err(|e| e.to_string())
            .and_then(|scenario| self.replace_lab(Session::loaded(scenario, strategies)));
        match loaded {
            Ok(()) => {
                self.clock.pause();
                self.notice = None;
            }
            Err(e) => {
                self.notice = Some(Notice {
                    at: NoticeAt::ScenarioFile,
                    text: format!("This scenario cannot be loaded: {e}. Nothing was changed."),
                })
            }
        }
    }

    /// A model action, applied to every lane or refused with the model's reason next to its control.
    fn act(&mut self, action: Action, at: NoticeAt) {
        let dropped = self.lab.read().pending().len();
        // A kill clicked while the clock plays is one more frame of the animation: a costly
        // checkpoint still waits for the clock to stop.
        let applied = if self.clock.playing {
            self.lab.advance(|lab| lab.apply(action))
        } else {
            self.lab.change(|lab| lab.apply(action))
        };
        match applied {
            Ok(()) => {
                if dropped > 0 {
                    self.lab.forked();
                }
                // The steps replay a script: the learner's own action makes the lesson a sandbox.
                self.guide_to_sandbox(true);
                self.notice = None;
                self.refresh(true);
                if dropped > 0 {
                    self.page_notice(format!(
                        "You acted in the past, so the run forks here: the {dropped} later action{} of the old run {} dropped.",
                        if dropped == 1 { "" } else { "s" },
                        if dropped == 1 { "was" } else { "were" },
                    ));
                }
            }
            Err(e) => {
                self.notice = Some(Notice {
                    at,
                    text: notice::sentence(&e.to_string()),
                })
            }
        }
    }

    /// Shows the run at `t`; a guided step gives way to the sandbox.
    fn seek(&mut self, t: Millis) {
        self.clock.pause();
        self.guide_to_sandbox(true);
        match self.lab.seek(t) {
            Ok(()) => {
                self.lanes.clear();
                self.select_message(None);
                self.refresh(true);
            }
            Err(e) => self.page_notice(e.to_string()),
        }
    }

    /// The previous instant before now at which the main lane recorded something.
    fn step_back(&mut self) {
        let now = self.now();
        let previous = self.lab.read().lanes[0]
            .world
            .trace()
            .iter()
            .rev()
            .map(|e| e.at)
            .find(|&at| at < now);
        self.seek(previous.unwrap_or(0));
    }

    /// The new strategies replay the user's actions up to the current time.
    fn set_strategies(&mut self, strategies: Vec<Strategy>) {
        let mut session = self.lab.read().saved_session();
        session.strategies = strategies;
        if let Err(e) = self.replace_lab(session) {
            self.page_notice(e);
        }
    }

    fn apply(&mut self, action: PageAction) {
        match action {
            PageAction::Tick(real_now) => self.tick(real_now),
            PageAction::Play => {
                if !self.guide_holds_clock() {
                    self.clock.play()
                }
            }
            PageAction::Pause => {
                // The checkpoint put off while playing (see `LabHandle::advance`) is taken when a
                // rewind needs it (`LabHandle::seek`) or with the next change, not in this frame.
                self.clock.pause();
                self.refresh(true);
            }
            PageAction::Step => self.step(),
            PageAction::NextPhase => self.next_phase(),
            PageAction::SkipToStable => self.skip_to_stable(),
            PageAction::SetSpeed(speed) => self.clock.speed = speed,
            PageAction::Reset => self.reset(),
            PageAction::LoadLesson(id) => self.load_lesson(&id),
            PageAction::OpenShared(fragment) => self.open_shared(&fragment),
            PageAction::LoadScenario(text) => self.load_scenario(&text),
            PageAction::Do(action, at) => self.act(action, at),
            PageAction::Refuse(at, text) => self.notice = Some(Notice { at, text }),
            PageAction::SetStrategies(strategies) => self.set_strategies(strategies),
            PageAction::Select(handle) => self.selected = Some(handle),
            PageAction::ShowTab(tab) => self.tab = tab,
            PageAction::ToggleHeartbeats => self.hide_heartbeats = !self.hide_heartbeats,
            PageAction::SelectMessage(id) => self.select_message(id),
            PageAction::DismissNotice => self.notice = None,
            PageAction::SeekTo(t) => self.seek(t),
            PageAction::NudgeSpeed(notches) => {
                self.clock.nudge(notches);
            }
            PageAction::ToggleKeys => self.show_keys = !self.show_keys,
            PageAction::CloseOverlays => self.show_keys = false,
            PageAction::TogglePresenter => self.presenter = !self.presenter,
            PageAction::StepBack => self.step_back(),
            PageAction::StartGuide(id, k) => self.start_guide(&id, k),
            PageAction::GuideAnswer(i) => self.guide_answer(i),
            PageAction::GuideNext => self.guide_next(),
            PageAction::GuideBack => self.guide_back(),
            PageAction::GuideRestart => self.guide_restart(),
            PageAction::GuideSandbox => self.guide_to_sandbox(false),
            PageAction::GuideClose => self.guide = None,
        }
    }
}

/// Real ms one frame may spend simulating. A rebalance of 50 consumers is a burst of work; past this
/// the frame stops where it got to and the run falls behind the clock for a moment (the achieved
/// speed drops) instead of freezing the page for one long frame.
const SIMULATION_BUDGET_MS: f64 = 6.0;
/// Simulated ms run between two looks at the real clock.
const SIMULATION_SLICE_MS: Millis = 10;

/// Runs `lab` towards `target` in slices until the frame's budget is spent. The model is the same
/// whichever way its time is cut (`run_until` takes every event up to the time it is given).
fn run_within_budget(lab: &mut Lab, target: Millis) {
    let deadline = lab_handle::real_now() + SIMULATION_BUDGET_MS;
    let mut t = lab.now();
    while t < target {
        t = (t + SIMULATION_SLICE_MS).min(target);
        lab.run_until(t);
        if lab_handle::real_now() > deadline {
            break;
        }
    }
}

/// Every group's rebalances in a lane, in time order.
fn marks_of(lane: &LaneView) -> Vec<RebalanceMark> {
    let mut marks: Vec<RebalanceMark> = lane
        .metrics
        .groups
        .values()
        .flat_map(|g| &g.rebalances)
        .map(|r| RebalanceMark {
            at: r.started_at,
            group: r.group.clone(),
            generation: r.generation,
            reason: r.reason_label.clone(),
        })
        .collect();
    sort::sort_by_key(&mut marks, |m| m.at);
    marks
}

impl Reducible for PageState {
    type Action = PageAction;

    fn reduce(self: Rc<Self>, action: PageAction) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}
