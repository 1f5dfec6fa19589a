//! Guided lessons: a lesson told in a few steps. Each step may act on the scenario (kill a consumer,
//! add one), names the part of the page to watch, may ask the learner to predict what happens, and
//! then waits for the model's own event that answers it: a caption follows the simulation, never a
//! fixed delay. Because the model is deterministic and a step starts exactly where the previous one's
//! moment happened, any step's starting point is rebuilt by replaying the steps before it.

use crate::session::{Lab, Session};
use crate::sim::sort::CollectBTree;
use crate::sim::trace::TraceEvent;
use crate::sim::vocab::{
    CallbackKind, ClassicGroupState, ConsumerGroupState, ConsumerState, RemovalCause,
};
use crate::sim::{Action, Millis, ScenarioError, World};
use std::collections::BTreeSet;

/// The part of the page a step asks the learner to watch (the page outlines it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Watch {
    /// The partition strip: who consumes which partition right now.
    Partitions,
    /// The group's header: state, generation, leader, assignor.
    Group,
    /// One consumer's card.
    Consumer(&'static str),
    /// The Timeline tab: ownership over time.
    Timeline,
    /// The Protocol tab: the requests and responses between consumers and the coordinator.
    Protocol,
    /// The Code tab: the selected consumer as a program.
    Code,
    /// Compare: the same session under each strategy, side by side.
    Compare,
}

/// The event a step waits for, matched against the trace entries recorded since the step began.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Moment {
    /// The group completes a rebalance (CompletingRebalance → Stable; for a KIP-848 group, every
    /// member reconciled to the target assignment: Reconciling → Stable).
    Stable { group: &'static str },
    /// The coordinator starts a rebalance of the group.
    RebalanceStarted { group: &'static str },
    /// The coordinator finished the join phase and chose a leader.
    JoinPhaseCompleted { group: &'static str },
    /// The leader ran its assignor.
    AssignmentComputed { group: &'static str },
    /// The coordinator removed a consumer's member, for this reason.
    MemberRemoved {
        consumer: &'static str,
        cause: RemovalCause,
    },
    /// A static member came back within its session and resumed its assignment (under KIP-848: its
    /// new process took over the member it left at epoch −2).
    StaticMemberResumed { consumer: &'static str },
    /// A consumer's own poll timer (`max.poll.interval.ms`) ran out.
    PollTimeoutExpired { consumer: &'static str },
    /// A consumer's rebalance listener ran this callback.
    Callback {
        consumer: &'static str,
        kind: CallbackKind,
    },
    /// A consumer's partitions changed to a non-empty set.
    Owns { consumer: &'static str },
    /// The group has rebalanced since the step began (and not before `not_before`), and has settled:
    /// it is Stable, every running member holds its assignment, and every partition it subscribes
    /// to is consumed by one of them. A cooperative follow-up rebalance is part of the wait.
    Settled {
        group: &'static str,
        not_before: Millis,
    },
    /// The group changed type (the online upgrade or downgrade): `to` is `consumer` or `classic`.
    GroupConverted {
        group: &'static str,
        to: &'static str,
    },
    /// A consumer joined a consumer group with `group.protocol=consumer`.
    ConsumerGroupMemberJoined { consumer: &'static str },
    /// The group has settled (as [`Moment::Settled`]) and every running member has processed
    /// records since its partitions last changed: a new owner has read from the committed offset.
    CaughtUp { group: &'static str },
    /// Nothing to wait for but time: this many simulated ms pass. Used only where the lesson is
    /// that nothing happens (a static member's quiet return), never to pace an explanation.
    Quiet { ms: Millis },
}

impl Moment {
    fn matches(&self, event: &TraceEvent) -> bool {
        match (self, event) {
            (Moment::Stable { group }, TraceEvent::RebalanceCompleted { group: g, .. })
            | (Moment::RebalanceStarted { group }, TraceEvent::RebalanceStarted { group: g, .. })
            | (
                Moment::JoinPhaseCompleted { group },
                TraceEvent::JoinPhaseCompleted { group: g, .. },
            )
            | (
                Moment::AssignmentComputed { group },
                TraceEvent::AssignmentComputed { group: g, .. },
            ) => group == g,
            (
                Moment::Stable { group },
                TraceEvent::ConsumerGroupStateChanged {
                    group: g,
                    to: ConsumerGroupState::Stable,
                    ..
                },
            ) => group == g,
            (
                Moment::MemberRemoved { consumer, cause },
                TraceEvent::MemberRemoved {
                    consumer: c,
                    cause: k,
                    ..
                },
            ) => consumer == c && cause == k,
            (Moment::StaticMemberResumed { consumer }, event) => {
                event.static_member_returned() == Some(*consumer)
            }
            (
                Moment::PollTimeoutExpired { consumer },
                TraceEvent::PollTimeoutExpired { consumer: c, .. },
            ) => consumer == c,
            (
                Moment::Callback { consumer, kind },
                TraceEvent::Callback {
                    consumer: c,
                    kind: k,
                    ..
                },
            ) => consumer == c && kind == k,
            (
                Moment::Owns { consumer },
                TraceEvent::OwnershipChanged {
                    consumer: c, owned, ..
                },
            ) => consumer == c && !owned.is_empty(),
            (
                Moment::GroupConverted { group, to },
                TraceEvent::GroupConverted {
                    group: g, to: t, ..
                },
            ) => group == g && to == t,
            (
                Moment::ConsumerGroupMemberJoined { consumer },
                TraceEvent::ConsumerGroupMemberJoined { consumer: c, .. },
            ) => consumer == c,
            _ => false,
        }
    }
}

/// Whether the group is at rest in this World (see [`Moment::Settled`]): a classic group or a
/// KIP-848 consumer group.
fn settled(world: &World, group: &str) -> bool {
    let snapshot = world.snapshot();
    let classic = snapshot.groups.iter().find(|g| g.group_id == group);
    let consumer_group = snapshot
        .consumer_groups
        .iter()
        .find(|g| g.group_id == group);
    let group_stable = match (classic, consumer_group) {
        (Some(g), _) => g.state == ClassicGroupState::Stable,
        (None, Some(g)) => g.state == ConsumerGroupState::Stable,
        (None, None) => return false,
    };
    let members: Vec<_> = snapshot
        .consumers
        .iter()
        .filter(|c| c.group == group && c.state.is_running())
        .collect();
    let at_rest = members
        .iter()
        .all(|c| matches!(c.state, ConsumerState::Stable | ConsumerState::Stalled));
    let topics: BTreeSet<&String> = members.iter().flat_map(|c| &c.topics).collect_set();
    let all_consumed = snapshot
        .topics
        .iter()
        .filter(|t| topics.contains(&t.name))
        .all(|t| {
            (0..t.partitions).all(|p| {
                members.iter().any(|c| {
                    c.owned
                        .iter()
                        .any(|tp| tp.topic == t.name && tp.partition == p)
                })
            })
        });
    group_stable && at_rest && all_consumed
}

/// Whether every running member of the group processed records after its partitions last changed,
/// read backwards from the end of the trace.
fn caught_up(world: &World, group: &str) -> bool {
    let snapshot = world.snapshot();
    let mut waiting: BTreeSet<&str> = snapshot
        .consumers
        .iter()
        .filter(|c| c.group == group && c.state.is_running())
        .map(|c| c.handle.as_str())
        .collect_set();
    let mut processed = BTreeSet::new();
    for entry in world.trace().iter().rev() {
        if waiting.is_empty() {
            break;
        }
        match &entry.event {
            TraceEvent::RecordsProcessed { consumer, .. } => {
                processed.insert(consumer.as_str());
            }
            TraceEvent::OwnershipChanged { consumer, .. }
                if waiting.contains(consumer.as_str()) =>
            {
                if !processed.contains(consumer.as_str()) {
                    return false;
                }
                waiting.remove(consumer.as_str());
            }
            _ => {}
        }
    }
    true
}

/// Reads one lane's trace as it grows, each entry once, for one moment.
struct Watcher<'m> {
    until: &'m Moment,
    since: usize,
    scanned: usize,
    stable_seen: bool,
    start: Millis,
}

impl<'m> Watcher<'m> {
    fn new(until: &'m Moment, since: usize, start: Millis) -> Self {
        Watcher {
            until,
            since,
            scanned: since,
            stable_seen: false,
            start,
        }
    }

    /// Whether the moment has come in this World.
    fn scan(&mut self, world: &World) -> bool {
        let trace = world.trace();
        let new = trace.since(self.scanned.max(self.since));
        self.scanned = trace.len();
        match self.until {
            Moment::Quiet { ms } => world.now() >= self.start + ms,
            Moment::Settled { group, not_before } => {
                let stable = Moment::Stable { group };
                self.stable_seen |= new.clone().any(|e| stable.matches(&e.event));
                self.stable_seen && world.now() >= *not_before && settled(world, group)
            }
            Moment::CaughtUp { group } => {
                let stable = Moment::Stable { group };
                self.stable_seen |= new.clone().any(|e| stable.matches(&e.event));
                self.stable_seen && settled(world, group) && caught_up(world, group)
            }
            until => new.clone().any(|e| until.matches(&e.event)),
        }
    }
}

/// Each lane's trace length now: where a step's watch begins.
pub fn trace_lengths(lab: &Lab) -> Vec<usize> {
    lab.lanes.iter().map(|l| l.world.trace().len()).collect()
}

/// A prediction the learner makes before the simulation shows the answer.
#[derive(Clone, Debug)]
pub struct Question {
    pub prompt: &'static str,
    pub choices: &'static [&'static str],
    /// The index of the right choice.
    pub answer: usize,
    /// Why, shown once the moment has come.
    pub why: &'static str,
    /// Which choice the model says is right, read from the Lab once the moment has come: the
    /// native tests hold `answer` to it, so a question can never teach something the model
    /// (and Kafka) does not do.
    pub truth: fn(&Lab) -> usize,
}

/// One step of a guided lesson.
#[derive(Clone, Debug)]
pub struct Step {
    /// One or two sentences, shown while the step plays.
    pub text: &'static str,
    /// What the page should outline.
    pub watch: Watch,
    /// Done to the scenario when the step begins (a kill, a new consumer).
    pub actions: Vec<Action>,
    /// Asked before the step plays.
    pub question: Option<Question>,
    /// The event the step explains: the simulation pauses when it happens.
    pub until: Moment,
    /// Said once the moment has come.
    pub then: &'static str,
}

/// How far a step may play before the lesson gives up waiting (a bug, never a lesson's design).
pub const MOMENT_LIMIT_MS: Millis = 15 * 60_000;

/// Applies a step's actions to the Lab; a refusal means the lesson is wrong, and says so.
pub fn begin(lab: &mut Lab, step: &Step) -> Result<(), String> {
    for action in &step.actions {
        lab.apply(action.clone())
            .map_err(|e| format!("the lesson's step could not act: {e}"))?;
    }
    Ok(())
}

/// Runs the Lab towards `target`, stopping at the instant the step's moment has come in every lane.
/// `since` is each lane's trace length and `start` the time when the step began. Returns whether
/// the moment has come.
pub fn run_towards(
    lab: &mut Lab,
    until: &Moment,
    since: &[usize],
    start: Millis,
    target: Millis,
) -> bool {
    let mut watchers: Vec<Watcher> = since
        .iter()
        .map(|&since| Watcher::new(until, since, start))
        .collect();
    let mut done = vec![false; watchers.len()];
    loop {
        for ((watcher, lane), done) in watchers.iter_mut().zip(&lab.lanes).zip(&mut done) {
            *done = *done || watcher.scan(&lane.world);
        }
        if done.iter().all(|d| *d) {
            return true;
        }
        let now = lab.now();
        if now >= target {
            return false;
        }
        let next = match until {
            Moment::Quiet { ms } => Some(start + ms),
            _ => lab
                .lanes
                .iter()
                .filter_map(|l| l.world.next_event_time())
                .min(),
        };
        // Event by event up to the target, so the pause falls on the moment's own instant.
        lab.run_until(next.map_or(target, |t| t.clamp(now, target)));
    }
}

/// Rebuilds the Lab at the beginning of step `k` (before its actions): the lesson's scenario under
/// `strategies`, each earlier step begun and played to its moment.
pub fn lab_at_step(session: Session, steps: &[Step], k: usize) -> Result<Lab, String> {
    let mut lab = Lab::new(session).map_err(|e: ScenarioError| e.to_string())?;
    for step in steps.iter().take(k) {
        begin(&mut lab, step)?;
        let since = trace_lengths(&lab);
        let start = lab.now();
        if !run_towards(
            &mut lab,
            &step.until,
            &since,
            start,
            start + MOMENT_LIMIT_MS,
        ) {
            return Err(format!("the moment {:?} never came", step.until));
        }
    }
    Ok(lab)
}
