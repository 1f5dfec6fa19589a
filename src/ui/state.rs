//! The page state as a Yew reducer: the Lab (Worlds) plus what the page shows of it. Every user
//! gesture becomes a [`PageAction`]; model changes go through `Lab`, never around it.

use crate::session::lessons::{self, LESSONS};
use crate::session::{share_link, Lab, Session, Strategy};
use crate::sim::metrics::Metrics;
use crate::sim::protocol::{Errors, Message};
use crate::sim::scenario::Scenario;
use crate::sim::snapshot::Snapshot;
use crate::sim::time::Millis;
use crate::sim::trace::{Endpoint, TraceEvent};
use crate::sim::world::Action;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// Largest real-time gap one tick may cover: after a background tab wakes up, time resumes smoothly.
const MAX_TICK_MS: f64 = 250.0;
/// While playing, the derived metrics (timeline, table) refresh at most this often (real ms).
const METRICS_REFRESH_MS: f64 = 400.0;
/// Messages kept for the protocol view.
const PROTOCOL_ROWS: usize = 120;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Timeline,
    Protocol,
    Metrics,
    Code,
}

/// Where a refusal is shown: next to the control that caused it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoticeAt {
    Consumer(String),
    Cluster,
    AddConsumer,
    ScenarioFile,
    Page,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub at: NoticeAt,
    pub text: String,
}

/// One request or response on the wire, as the protocol view draws it.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageRow {
    pub id: usize,
    pub sent_at: Millis,
    pub deliver_at: Millis,
    pub from: String,
    pub to: String,
    pub group: Option<String>,
    pub api: &'static str,
    pub is_response: bool,
    /// Kafka's error name, when not NONE.
    pub error: Option<String>,
    /// Routine (a heartbeat, metadata or commit that went well): hideable, drawn faint.
    pub background: bool,
    /// Every field, as JSON, for the detail pane.
    pub fields: String,
}

/// What one lane shows: the World's snapshot and what was derived from its trace.
#[derive(Clone, Debug, PartialEq)]
pub struct LaneView {
    pub strategy: Strategy,
    pub snapshot: Rc<Snapshot>,
    pub metrics: Rc<Metrics>,
    pub messages: Rc<Vec<MessageRow>>,
}

pub struct PageState {
    lab: Rc<RefCell<Lab>>,
    pub lanes: Vec<LaneView>,
    /// The lesson the session's scenario is, unchanged; `None` for a loaded or shared scenario of one's own.
    pub lesson: Option<&'static str>,
    pub playing: bool,
    pub speed: f64,
    last_tick: Option<f64>,
    carry_ms: f64,
    metrics_age_ms: f64,
    pub selected: Option<String>,
    pub notice: Option<Notice>,
    pub tab: Tab,
    pub hide_heartbeats: bool,
    pub selected_message: Option<usize>,
    pub frame: u64,
}

#[derive(Clone, Debug)]
pub enum PageAction {
    /// A timer fired; the argument is the real clock in ms (`performance.now()`).
    Tick(f64),
    Play,
    Pause,
    Step,
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
}

impl PageState {
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
            lab: Rc::new(RefCell::new(lab)),
            lanes: Vec::new(),
            lesson: Some(lesson.id),
            playing: false,
            speed: 4.0,
            last_tick: None,
            carry_ms: 0.0,
            metrics_age_ms: 0.0,
            selected: None,
            notice: None,
            tab: Tab::Timeline,
            hide_heartbeats: true,
            selected_message: None,
            frame: 0,
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
        self.lab.borrow().session.clone()
    }

    /// The current session as scenario-file JSON (see the README's "Scenario files").
    pub fn scenario_json(&self) -> String {
        self.lab.borrow().saved_session().as_scenario().to_json()
    }

    pub fn share_fragment(&self) -> String {
        share_link::encode(&self.lab.borrow().saved_session())
    }

    /// Re-reads the Worlds. Metrics are the costly part (a pass over the trace), so while the clock
    /// runs they refresh on their own schedule.
    fn refresh(&mut self, with_metrics: bool) {
        let lab = self.lab.borrow();
        let snapshots = lab.snapshots();
        let metrics = if with_metrics || self.lanes.len() != lab.lanes.len() {
            lab.metrics()
        } else {
            self.lanes.iter().map(|l| l.metrics.clone()).collect()
        };
        let previous = std::mem::take(&mut self.lanes);
        self.lanes = lab
            .lanes
            .iter()
            .zip(snapshots)
            .zip(metrics)
            .enumerate()
            .map(|(i, ((lane, snapshot), metrics))| {
                let known = previous.get(i).map_or(&[][..], |l| &l.messages[..]);
                LaneView {
                    strategy: lane.strategy,
                    snapshot,
                    metrics,
                    messages: Rc::new(recent_messages(lane.world.trace(), known)),
                }
            })
            .collect();
        drop(lab);
        if let Some(handle) = &self.selected {
            if !self.lanes[0]
                .snapshot
                .consumers
                .iter()
                .any(|c| &c.handle == handle)
            {
                self.selected = None;
            }
        }
        if self.selected.is_none() {
            self.selected = self.lanes[0]
                .snapshot
                .consumers
                .first()
                .map(|c| c.handle.clone());
        }
        self.frame += 1;
    }

    fn replace_lab(&mut self, session: Session) -> Result<(), String> {
        let lab = Lab::new(session).map_err(|e| e.to_string())?;
        self.lesson = lessons::lesson_of(&lab.session.scenario).map(|l| l.id);
        self.lab = Rc::new(RefCell::new(lab));
        // Message rows are only reused while the trace they came from grows.
        self.lanes.clear();
        self.selected_message = None;
        self.refresh(true);
        Ok(())
    }

    fn tick(&mut self, real_now: f64) {
        let elapsed = match self.last_tick {
            Some(last) => (real_now - last).clamp(0.0, MAX_TICK_MS),
            None => 0.0,
        };
        self.last_tick = Some(real_now);
        if !self.playing || elapsed == 0.0 {
            return;
        }
        self.carry_ms += elapsed * self.speed;
        let whole = self.carry_ms.floor();
        self.carry_ms -= whole;
        let target = self.now() + whole as Millis;
        self.lab.borrow_mut().run_until(target);
        self.metrics_age_ms += elapsed;
        let with_metrics = self.metrics_age_ms >= METRICS_REFRESH_MS;
        if with_metrics {
            self.metrics_age_ms = 0.0;
        }
        self.refresh(with_metrics);
    }
}

impl Reducible for PageState {
    type Action = PageAction;

    fn reduce(self: Rc<Self>, action: PageAction) -> Rc<Self> {
        let mut next = PageState {
            lab: self.lab.clone(),
            lanes: self.lanes.clone(),
            lesson: self.lesson,
            playing: self.playing,
            speed: self.speed,
            last_tick: self.last_tick,
            carry_ms: self.carry_ms,
            metrics_age_ms: self.metrics_age_ms,
            selected: self.selected.clone(),
            notice: self.notice.clone(),
            tab: self.tab,
            hide_heartbeats: self.hide_heartbeats,
            selected_message: self.selected_message,
            frame: self.frame,
        };
        match action {
            PageAction::Tick(real_now) => next.tick(real_now),
            PageAction::Play => {
                next.playing = true;
                next.last_tick = None;
            }
            PageAction::Pause => {
                next.playing = false;
                next.refresh(true);
            }
            PageAction::Step => {
                next.playing = false;
                next.lab.borrow_mut().step();
                next.refresh(true);
            }
            PageAction::SetSpeed(speed) => next.speed = speed,
            PageAction::Reset => {
                let mut session = next.session();
                session.actions.clear();
                next.playing = false;
                next.notice = None;
                if let Err(e) = next.replace_lab(session) {
                    next.notice = Some(Notice {
                        at: NoticeAt::Page,
                        text: e,
                    });
                }
            }
            PageAction::LoadLesson(id) => match lessons::lesson(&id) {
                Some(lesson) => {
                    let session = Session {
                        scenario: lesson.scenario(),
                        strategies: next.session().strategies,
                        actions: Vec::new(),
                        until_ms: 0,
                    };
                    next.playing = false;
                    next.selected = None;
                    next.notice = None;
                    if let Err(e) = next.replace_lab(session) {
                        next.notice = Some(Notice {
                            at: NoticeAt::Page,
                            text: e,
                        })
                    }
                }
                None => {
                    next.notice = Some(Notice {
                        at: NoticeAt::Page,
                        text: format!("There is no lesson \"{id}\"."),
                    })
                }
            },
            PageAction::OpenShared(fragment) => {
                let opened = share_link::decode(&fragment).and_then(|s| next.replace_lab(s));
                next.notice = match opened {
                    Ok(()) => None,
                    Err(e) => Some(Notice {
                        at: NoticeAt::Page,
                        text: format!("This share link cannot be opened: {e}. The page kept its current state."),
                    }),
                };
            }
            PageAction::LoadScenario(text) => {
                let loaded = Scenario::from_json(&text)
                    .map_err(|e| e.to_string())
                    .and_then(|scenario| {
                        next.replace_lab(Session {
                            scenario,
                            strategies: next.session().strategies,
                            actions: Vec::new(),
                            until_ms: 0,
                        })
                    });
                match loaded {
                    Ok(()) => {
                        next.playing = false;
                        next.notice = None;
                    }
                    Err(e) => {
                        next.notice = Some(Notice {
                            at: NoticeAt::ScenarioFile,
                            text: format!(
                                "This scenario cannot be loaded: {e}. Nothing was changed."
                            ),
                        })
                    }
                }
            }
            PageAction::Do(action, at) => {
                let result = next.lab.borrow_mut().apply(action);
                match result {
                    Ok(()) => {
                        next.notice = None;
                        next.refresh(true);
                    }
                    Err(e) => {
                        next.notice = Some(Notice {
                            at,
                            text: sentence(&e.to_string()),
                        })
                    }
                }
            }
            PageAction::Refuse(at, text) => next.notice = Some(Notice { at, text }),
            PageAction::SetStrategies(strategies) => {
                // The new strategies replay the user's actions up to the current time.
                let mut session = next.lab.borrow().saved_session();
                session.strategies = strategies;
                if let Err(e) = next.replace_lab(session) {
                    next.notice = Some(Notice {
                        at: NoticeAt::Page,
                        text: e,
                    });
                }
            }
            PageAction::Select(handle) => next.selected = Some(handle),
            PageAction::ShowTab(tab) => next.tab = tab,
            PageAction::ToggleHeartbeats => next.hide_heartbeats = !next.hide_heartbeats,
            PageAction::SelectMessage(id) => next.selected_message = id,
            PageAction::DismissNotice => next.notice = None,
        }
        Rc::new(next)
    }
}

/// Model errors start in lower case ("consumer c3 is dead: …"); on the page they read as sentences.
/// A leading config name (`heartbeat.interval.ms …`) or exception keeps its exact spelling.
fn sentence(text: &str) -> String {
    let first_word = text.split_whitespace().next().unwrap_or("");
    let plain_word = first_word.chars().all(|c| c.is_ascii_lowercase());
    let mut s = if plain_word {
        let mut chars = text.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    } else {
        text.to_string()
    };
    if !s.is_empty() && !s.ends_with('.') {
        s.push('.');
    }
    s
}

fn endpoint_name(e: &Endpoint) -> String {
    match e {
        Endpoint::Broker => "coordinator".to_string(),
        other => other.to_string(),
    }
}

/// The latest messages sent, newest last, read backwards from the end of the trace. `known` holds
/// rows built from an earlier prefix of the same trace (a trace only grows): those are reused rather
/// than serialized again, so a frame pays only for the messages sent since the last one.
fn recent_messages(
    trace: &[crate::sim::trace::TraceEntry],
    known: &[MessageRow],
) -> Vec<MessageRow> {
    let mut rows = Vec::new();
    let mut known = known.iter().rev().peekable();
    for (id, entry) in trace.iter().enumerate().rev() {
        if rows.len() == PROTOCOL_ROWS {
            break;
        }
        while known.next_if(|row| row.id > id).is_some() {}
        if let Some(row) = known.next_if(|row| row.id == id && row.sent_at == entry.at) {
            rows.push(row.clone());
            continue;
        }
        let TraceEvent::MessageSent {
            from,
            to,
            deliver_at,
            message,
        } = &entry.event
        else {
            continue;
        };
        let (api, is_response, error, group) = match message {
            Message::Request { body, .. } => {
                (body.api(), false, None, body.group_id().map(str::to_string))
            }
            Message::Response { body, .. } => {
                let code = body.error_code();
                let error = (code != Errors::None).then(|| code.to_string());
                (body.api(), true, error, None)
            }
        };
        let background = message.is_routine();
        rows.push(MessageRow {
            id,
            sent_at: entry.at,
            deliver_at: *deliver_at,
            from: endpoint_name(from),
            to: endpoint_name(to),
            group,
            api,
            is_response,
            error,
            background,
            fields: super::message_fields::message_fields(message),
        });
    }
    rows.reverse();
    rows
}

/// What components get to send actions: comparable, so props that hold it still diff cheaply.
pub type Dispatch = UseReducerDispatcher<PageState>;

#[cfg(test)]
mod tests {
    use super::{recent_messages, sentence};
    use crate::sim::world::{Action, World};

    #[test]
    fn message_rows_reused_from_an_earlier_frame_are_the_rows_built_afresh() {
        let mut world = World::new(&super::LESSONS[0].scenario()).expect("valid lesson");
        let mut known = Vec::new();
        for t in (0..90_000).step_by(700) {
            world.run_until(t);
            if t == 14_000 {
                world
                    .apply(Action::KillConsumer {
                        consumer: "c2".into(),
                    })
                    .expect("c2 runs");
            }
            let fresh = recent_messages(world.trace(), &[]);
            assert_eq!(recent_messages(world.trace(), &known), fresh, "at {t} ms");
            known = fresh;
        }
        assert_eq!(known.len(), super::PROTOCOL_ROWS);
    }

    #[test]
    fn refusals_read_as_sentences_without_mangling_kafka_names() {
        assert_eq!(
            sentence("consumer c3 is dead: restart it first"),
            "Consumer c3 is dead: restart it first."
        );
        assert_eq!(
            sentence("heartbeat.interval.ms (5000) must be lower than session.timeout.ms (3000)"),
            "heartbeat.interval.ms (5000) must be lower than session.timeout.ms (3000)."
        );
        assert_eq!(
            sentence("InvalidPartitionsException: Topic currently has 6 partitions."),
            "InvalidPartitionsException: Topic currently has 6 partitions."
        );
    }
}
