//! One property case, run as `lab run` runs its scenario file (the actions are the scenario's timed
//! actions), with every check after every event:
//!
//! - nothing panics;
//! - the §8 invariants hold after every single event (`InvariantChecker`);
//! - an action the World refuses changes nothing (snapshot and trace as before);
//! - liveness: after the last action, with every live consumer polling, each group reaches Stable
//!   with every subscribed partition owned by exactly one live member, within the bound the
//!   protocol allows (see [`liveness_deadline`]);
//! - replay: the same scenario without its refused actions gives the same trace (for a quarter of
//!   the cases, chosen by seed).

use rebalance_lab::sim::config::{BrokerConfig, ConsumerConfig};
use rebalance_lab::sim::invariants::InvariantChecker;
use rebalance_lab::sim::snapshot::{ConsumerSnapshot, Snapshot};
use rebalance_lab::sim::vocab::{ConsumerGroupState, MemberAssignmentState};
use rebalance_lab::sim::{Action, ConsumerState, Millis, Scenario, World};
use std::collections::{BTreeMap, BTreeSet};

/// More events than this at one simulated instant is a busy loop (the largest cases put a few
/// hundred at one instant: every consumer's start, a rebalance's answers).
const SAME_INSTANT_EVENTS: usize = 100_000;
/// More trace entries than this in one case is a runaway (a case averages a few thousand).
const RUNAWAY_TRACE_ENTRIES: usize = 2_000_000;

/// What a passing case did, for the soak's statistics.
#[derive(Clone, Debug, Default)]
pub struct Ran {
    pub events: usize,
    pub refused: usize,
    /// Whether liveness was checked (see [`kafka_promises_to_settle`]).
    pub liveness: bool,
}

/// Whether Kafka itself lets these groups settle. A member learns of a rebalance from a heartbeat
/// answer and rejoins at its next `poll()`; the coordinator waits for it up to the rebalance timeout
/// (`max.poll.interval.ms`), and the member's own poll timer fires at that same interval. A member
/// whose heartbeat interval, batch of processing and poll timeout together come near it may miss a
/// join phase, be removed, rejoin and start another: the rebalance storm Kafka's documentation warns
/// about, which never ends while the application keeps that pace. So liveness is checked when every
/// configuration a consumer of the case can have rejoins within the rebalance timeout even at its
/// slowest (a whole heartbeat interval to hear of the rebalance, then a whole batch and poll timeout
/// before its next `poll()`, and the network's round trips); the invariants are checked always.
///
/// A KIP-848 member is held to the same bound: it hears of its new assignment at a heartbeat (at the
/// broker's interval) and must revoke, in `poll()`, within its rebalance timeout
/// (`max.poll.interval.ms`) or be fenced.
pub fn kafka_promises_to_settle(s: &Scenario) -> bool {
    let broker = s.broker_config().unwrap_or_default();
    configs(s).iter().all(|c| {
        let slowest_rejoin = liveness_timings(c, &broker).heartbeat_interval_ms
            + c.processing_time_ms
            + c.poll_timeout_ms
            + 10 * s.network_latency_ms;
        slowest_rejoin < c.max_poll_interval_ms
    })
}

/// The session timeout and heartbeat interval a consumer lives by.
struct LivenessTimings {
    session_timeout_ms: Millis,
    heartbeat_interval_ms: Millis,
}

/// Its own settings under the classic protocol; the broker's `group.consumer.*` ones under KIP-848
/// (the client may not set them).
fn liveness_timings(c: &ConsumerConfig, broker: &BrokerConfig) -> LivenessTimings {
    if c.group_protocol == "consumer" {
        LivenessTimings {
            session_timeout_ms: broker.consumer.session_timeout_ms,
            heartbeat_interval_ms: broker.consumer.heartbeat_interval_ms,
        }
    } else {
        LivenessTimings {
            session_timeout_ms: c.session_timeout_ms,
            heartbeat_interval_ms: c.heartbeat_interval_ms,
        }
    }
}

/// The effective settings of every consumer the scenario can start, and every value a
/// `set_consumer_config` action could give them.
fn configs(s: &Scenario) -> Vec<ConsumerConfig> {
    let mut all: Vec<ConsumerConfig> = s
        .consumers
        .iter()
        .filter_map(|c| s.consumer_config(&c.group, &c.config).ok())
        .collect();
    for t in &s.actions {
        if let Action::AddConsumer { group, config, .. } = &t.action {
            all.extend(s.consumer_config(group, config).ok());
        }
    }
    let changes: Vec<(&str, &str)> = s
        .actions
        .iter()
        .filter_map(|t| match &t.action {
            Action::SetConsumerConfig { name, value, .. } => Some((name.as_str(), value.as_str())),
            _ => None,
        })
        .collect();
    let mut changed = Vec::new();
    for c in &all {
        for (name, value) in &changes {
            let mut next = c.clone();
            if next.set(name, value).is_ok() && next.validate().is_ok() {
                changed.push(next);
            }
        }
    }
    all.extend(changed);
    all
}

/// When the property expects every group to have settled: once nothing more happens (the last
/// action, the end of the last stall, the last consumer start), the bound the protocol allows.
/// A partition change waits for the leader's metadata refresh (`metadata.max.age.ms`) and its next
/// poll; the coordinator waits for a dead member up to `session.timeout.ms`; a join phase waits up
/// to the rebalance timeout (`max.poll.interval.ms`) for members to rejoin, and they learn of it at
/// their next heartbeat; a cooperative rebalance takes two rounds, and a removal at the end of one
/// may start another. So: the initial delay, one metadata refresh, and three rounds of session
/// timeout + rebalance timeout + three heartbeats + one batch of processing + one poll timeout, with
/// the network's round trips.
pub fn liveness_deadline(s: &Scenario) -> Millis {
    let quiet = quiet_time(s);
    let all = configs(s);
    let max = |f: fn(&ConsumerConfig) -> Millis| all.iter().map(f).max().unwrap_or(0);
    let broker = s.broker_config().unwrap_or_default();
    let timings = |f: fn(&LivenessTimings) -> Millis| {
        (all.iter())
            .map(|c| f(&liveness_timings(c, &broker)))
            .max()
            .unwrap_or(0)
    };
    let round = timings(|t| t.session_timeout_ms)
        + max(|c| c.max_poll_interval_ms)
        + 3 * timings(|t| t.heartbeat_interval_ms)
        + max(|c| c.processing_time_ms)
        + max(|c| c.poll_timeout_ms)
        + 20 * s.network_latency_ms;
    quiet + broker.group_initial_rebalance_delay_ms + max(|c| c.metadata_max_age_ms) + 3 * round
}

/// When the scenario stops doing things: its last action, the end of its last stall, its last
/// consumer start.
pub fn quiet_time(s: &Scenario) -> Millis {
    s.actions
        .iter()
        .map(|t| match t.action {
            Action::StallConsumer { ms, .. } => t.at_ms.saturating_add(ms),
            _ => t.at_ms,
        })
        .chain(s.consumers.iter().map(|c| c.start_at_ms))
        .max()
        .unwrap_or(0)
}

/// Runs one case to its deadline with every check; the error says which check failed, when.
pub fn check(scenario: &Scenario) -> Result<Ran, String> {
    let mut world = World::new(scenario).map_err(|e| format!("the scenario is refused: {e}"))?;
    let mut checker = InvariantChecker::new();
    checker
        .check(&world)
        .map_err(|e| format!("invariant: {e}"))?;
    // At each instant the World first runs what the scenario scheduled then, in the order
    // `World::new` queued it: consumer starts, each producer's first send, then timed actions
    // (their queue sequence numbers are the lowest). So the k-th event of an instant is known to be
    // the scheduled action it is.
    let mut scheduled: BTreeMap<Millis, Vec<Option<usize>>> = BTreeMap::new();
    for c in &scenario.consumers {
        let starts = scheduled.entry(c.start_at_ms).or_default();
        starts.extend(std::iter::repeat_n(None, c.count));
    }
    for p in &scenario.producers {
        scheduled.entry(p.start_at_ms).or_default().push(None);
    }
    for (i, t) in scenario.actions.iter().enumerate() {
        scheduled.entry(t.at_ms).or_default().push(Some(i));
    }
    // Time 0's scheduled events already ran inside World::new.
    let mut instant = (0, scheduled.get(&0).map_or(0, Vec::len));
    let mut refused = Vec::new();
    let mut events = 0;
    // Once quiet, the run may stop as soon as every group has settled (it stays settled: nothing
    // happens any more that could unsettle it); the deadline is the latest it may take.
    let quiet = quiet_time(scenario);
    let liveness = kafka_promises_to_settle(scenario);
    // Without Kafka's promise nothing is expected to settle: the run goes on for another minute
    // after the last action, every event still checked.
    let mut next_look = if liveness { quiet } else { Millis::MAX };
    let horizon = if liveness {
        scenario.duration_ms
    } else {
        scenario.duration_ms.min(quiet.saturating_add(60_000))
    };
    let mut settled = false;
    while let Some(next) = world.next_event_time() {
        if next > horizon {
            break;
        }
        if next > next_look {
            world.run_before(next);
            if converged(&world).is_ok() {
                settled = true;
                break;
            }
            next_look = next + 1_000;
        }
        if instant.0 != next {
            instant = (next, 0);
        }
        let action = scheduled
            .get(&next)
            .and_then(|s| s.get(instant.1).copied())
            .flatten();
        instant.1 += 1;
        let before = action.map(|_| {
            world.run_before(next);
            (world.snapshot(), world.trace().len())
        });
        let refusals = world.refused_actions().len();
        world.process_next_event();
        events += 1;
        // A run that stops advancing time, or piles up events without end, is a busy loop in the
        // model: caught here, it shrinks to a scenario file like any other failure.
        if instant.0 == next && instant.1 > SAME_INSTANT_EVENTS {
            return Err(format!(
                "{next}: over {SAME_INSTANT_EVENTS} events at one instant"
            ));
        }
        if world.trace().len() > RUNAWAY_TRACE_ENTRIES {
            return Err(format!(
                "{}: over {RUNAWAY_TRACE_ENTRIES} trace entries",
                world.now()
            ));
        }
        if world.refused_actions().len() > refusals {
            let last = world.refused_actions().last().cloned().unwrap();
            let (at, error) = (last.at, last.error);
            let Some(((snapshot, trace_len), i)) = before.zip(action) else {
                return Err(format!(
                    "{at}: a refusal ({error}) came from no scheduled action"
                ));
            };
            if world.snapshot() != snapshot || world.trace().len() != trace_len {
                return Err(format!(
                    "{at}: a refused action changed the World ({error})"
                ));
            }
            refused.push(i);
        }
        checker
            .check(&world)
            .map_err(|e| format!("invariant: {e}"))?;
    }
    if !settled && liveness {
        world.run_until(scenario.duration_ms);
        converged(&world)
            .map_err(|e| format!("liveness: {e} at the deadline {} ms", scenario.duration_ms))?;
    }
    let end = (world.now(), settled);
    if scenario.seed.is_multiple_of(4) && !refused.is_empty() {
        let mut accepted = scenario.clone();
        accepted.actions = (scenario.actions.iter().enumerate())
            .filter(|(i, _)| !refused.contains(i))
            .map(|(_, t)| t.clone())
            .collect();
        let mut again = World::new(&accepted).map_err(|e| format!("replay refused: {e}"))?;
        match end {
            (at, true) => again.run_before(at),
            (at, false) => again.run_until(at),
        }
        if again.trace() != world.trace() {
            return Err("without its refused actions, the scenario gives another trace".into());
        }
    }
    Ok(Ran {
        events,
        refused: refused.len(),
        liveness,
    })
}

/// Every group with a live member has settled (see [`classic_group_converged`] and
/// [`consumer_group_converged`]), and every partition its live members subscribe to is owned by
/// exactly one of them — except the partitions KIP-814's blind spot leaves unassigned, or assigned
/// though their topic was deleted, which the snapshot names.
fn converged(world: &World) -> Result<(), String> {
    let snapshot = world.snapshot();
    let live: Vec<&ConsumerSnapshot> = snapshot
        .consumers
        .iter()
        .filter(|c| c.state.is_running() && c.state != ConsumerState::Closing)
        .collect();
    let groups: BTreeSet<&str> = live.iter().map(|c| c.group.as_str()).collect();
    for group in groups {
        let members: Vec<&ConsumerSnapshot> =
            live.iter().copied().filter(|c| c.group == group).collect();
        let exempt = if snapshot.consumer_groups.iter().any(|g| g.group_id == group) {
            consumer_group_converged(&snapshot, group, &members)?;
            BTreeSet::new()
        } else {
            classic_group_converged(&snapshot, group, &members)?
        };
        each_partition_owned_once(&snapshot, group, &members, &exempt)?;
    }
    Ok(())
}

/// A classic group is Stable, and every live member is in it at its generation and has applied its
/// assignment. Returns the partitions KIP-814's blind spot leaves unassigned or stale.
fn classic_group_converged(
    snapshot: &Snapshot,
    group: &str,
    members: &[&ConsumerSnapshot],
) -> Result<BTreeSet<String>, String> {
    let Some(g) = snapshot.groups.iter().find(|g| g.group_id == group) else {
        return Err(format!(
            "group {group} has live members but no coordinator state"
        ));
    };
    if g.state.to_string() != "Stable" {
        return Err(format!(
            "group {group} is {} at generation {}",
            g.state, g.generation
        ));
    }
    for c in members {
        if c.state != ConsumerState::Stable
            || c.generation != g.generation
            || !g.members.iter().any(|m| m.member_id == c.member_id)
        {
            return Err(format!(
                "{} is {} at generation {} in group {group} (Stable at {})",
                c.handle, c.state, c.generation, g.generation
            ));
        }
    }
    Ok(g.skipped_assignment_gap
        .iter()
        .flat_map(|gap| gap.partitions.iter().chain(&gap.stale))
        .map(ToString::to_string)
        .collect())
}

/// A KIP-848 group is Stable with its target at the group epoch, and every live member is in it at
/// that epoch, has nothing left to revoke or receive, and says so itself.
fn consumer_group_converged(
    snapshot: &Snapshot,
    group: &str,
    members: &[&ConsumerSnapshot],
) -> Result<(), String> {
    let g = (snapshot.consumer_groups.iter())
        .find(|g| g.group_id == group)
        .expect("looked up by the caller");
    if g.state != ConsumerGroupState::Stable || g.assignment_epoch != g.group_epoch {
        return Err(format!(
            "consumer group {group} is {} at group epoch {}, target epoch {}",
            g.state, g.group_epoch, g.assignment_epoch
        ));
    }
    for c in members {
        let at_coordinator = g.members.iter().find(|m| m.member_id == c.member_id);
        let settled = at_coordinator.is_some_and(|m| {
            m.member_epoch == g.group_epoch && m.state == MemberAssignmentState::Stable
        });
        let own_view = c.kip848.as_ref().is_some_and(|v| {
            v.member_state == "STABLE"
                && v.member_epoch == g.group_epoch
                && v.to_revoke.is_empty()
                && v.to_receive.is_empty()
        });
        if !settled || !own_view {
            return Err(format!(
                "{} is not settled in consumer group {group} at epoch {}: {:?} / {:?}",
                c.handle,
                g.group_epoch,
                at_coordinator.map(|m| (m.member_epoch, m.state)),
                c.kip848
                    .as_ref()
                    .map(|v| (v.member_state.as_str(), v.member_epoch))
            ));
        }
    }
    Ok(())
}

/// Every partition the live members subscribe to is owned by exactly one of them (or exempt), and
/// none of a deleted topic is still owned.
fn each_partition_owned_once(
    snapshot: &Snapshot,
    group: &str,
    members: &[&ConsumerSnapshot],
    exempt: &BTreeSet<String>,
) -> Result<(), String> {
    let mut owners: BTreeMap<String, &str> = BTreeMap::new();
    for c in members {
        for tp in &c.owned {
            if !c.topics.iter().any(|t| t.as_str() == tp.topic.as_str()) {
                return Err(format!(
                    "{} owns {tp}, which it does not subscribe to",
                    c.handle
                ));
            }
            if let Some(other) = owners.insert(tp.to_string(), &c.handle) {
                return Err(format!("{tp} is owned by both {other} and {}", c.handle));
            }
        }
    }
    let subscribed: BTreeSet<&String> = members.iter().flat_map(|c| &c.topics).collect();
    for topic in subscribed {
        let Some(t) = snapshot.topics.iter().find(|t| &t.name == topic) else {
            continue;
        };
        for p in 0..t.partitions {
            let tp = format!("{topic}-{p}");
            if !owners.contains_key(&tp) && !exempt.contains(&tp) {
                return Err(format!("{tp} is owned by nobody in group {group}"));
            }
        }
    }
    if let Some(tp) = owners.keys().filter(|tp| !exempt.contains(*tp)).find(|tp| {
        !snapshot
            .topics
            .iter()
            .any(|t| tp.starts_with(&format!("{}-", t.name)))
    }) {
        return Err(format!(
            "{tp} is still owned in group {group}, but its topic is gone"
        ));
    }
    Ok(())
}
