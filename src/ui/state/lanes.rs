//! What each lane of the page shows, re-read from the Lab after every change.

use super::messages::{recent_messages, MessageRow};
use crate::session::lag_chart::{lag_charts, LagChart};
use crate::session::{Lab, Strategy};
use crate::sim::metrics::Metrics;
use crate::sim::snapshot::ConsumerSnapshot;
use crate::sim::Snapshot;
use std::rc::Rc;

/// What one lane shows: the World's snapshot and what was derived from its trace. Components get
/// these `Rc`s, so an unchanged part compares equal and is not rendered again.
#[derive(Clone, Debug, PartialEq)]
pub struct LaneView {
    pub strategy: Strategy,
    pub snapshot: Rc<Snapshot>,
    pub metrics: Rc<Metrics>,
    /// Each group's lag over time (with producers), re-read with the metrics.
    pub lag: Rc<Vec<LagChart>>,
    pub messages: Rc<Vec<MessageRow>>,
    /// The snapshot's consumers, each kept as the same `Rc` from one read to the next while it is
    /// equal: the cards get these, so an unchanged consumer's props compare by pointer and nothing
    /// copies 50 consumers (their configurations, their partition lists) down the tree each frame.
    pub consumers: Vec<Rc<ConsumerSnapshot>>,
}

/// Every lane of `lab` as it stands. Metrics are the costly part (a pass over the whole trace):
/// without `with_metrics` they are kept from `previous`, unless the lanes themselves changed.
/// Message rows from `previous` are reused where the trace they came from has only grown.
pub fn read_lanes(lab: &Lab, previous: &[LaneView], with_metrics: bool) -> Vec<LaneView> {
    let snapshots = lab.snapshots();
    let fresh = with_metrics || previous.len() != lab.lanes.len();
    let metrics = if fresh {
        lab.metrics()
    } else {
        previous.iter().map(|l| l.metrics.clone()).collect()
    };
    lab.lanes
        .iter()
        .zip(snapshots)
        .zip(metrics)
        .enumerate()
        .map(|(i, ((lane, snapshot), metrics))| {
            let known = previous.get(i).map_or(&[][..], |l| &l.messages[..]);
            let shared = previous.get(i).map_or(&[][..], |l| &l.consumers[..]);
            let consumers = share_consumers(&snapshot.consumers, shared);
            let lag = match previous.get(i) {
                Some(p) if !fresh => p.lag.clone(),
                _ => Rc::new(lag_charts(&lane.world, &metrics)),
            };
            LaneView {
                strategy: lane.strategy,
                snapshot,
                metrics,
                lag,
                messages: Rc::new(recent_messages(lane.world.trace(), known)),
                consumers,
            }
        })
        .collect()
}

/// `now`'s consumers, reusing the `Rc` of the previous read's consumer at the same place where it is
/// equal (consumers are only ever added at the end; a restart replaces one in place).
fn share_consumers(
    now: &[ConsumerSnapshot],
    before: &[Rc<ConsumerSnapshot>],
) -> Vec<Rc<ConsumerSnapshot>> {
    now.iter()
        .enumerate()
        .map(|(i, c)| match before.get(i) {
            Some(b) if same_timing(b, c) && **b == *c => b.clone(),
            _ => Rc::new(c.clone()),
        })
        .collect()
}

/// The fields a running consumer changes most often, compared first: the derived comparison would
/// walk the whole configuration before reaching them.
fn same_timing(a: &ConsumerSnapshot, b: &ConsumerSnapshot) -> bool {
    a.last_poll == b.last_poll
        && a.last_heartbeat_sent == b.last_heartbeat_sent
        && a.poll_deadline == b.poll_deadline
        && a.session_deadline == b.session_deadline
}

/// Groups in the order their first consumer appeared: the order every view lists them in.
pub fn groups_in_order(s: &Snapshot) -> Vec<String> {
    let mut groups: Vec<String> = Vec::new();
    for c in &s.consumers {
        if !groups.contains(&c.group) {
            groups.push(c.group.clone());
        }
    }
    groups
}
