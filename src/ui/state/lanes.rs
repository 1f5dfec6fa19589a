//! What each lane of the page shows, re-read from the Lab after every change.

use super::messages::{recent_messages, MessageRow};
use crate::session::{Lab, Strategy};
use crate::sim::metrics::Metrics;
use crate::sim::Snapshot;
use std::rc::Rc;

/// What one lane shows: the World's snapshot and what was derived from its trace. Components get
/// these `Rc`s, so an unchanged part compares equal and is not rendered again.
#[derive(Clone, Debug, PartialEq)]
pub struct LaneView {
    pub strategy: Strategy,
    pub snapshot: Rc<Snapshot>,
    pub metrics: Rc<Metrics>,
    pub messages: Rc<Vec<MessageRow>>,
}

/// Every lane of `lab` as it stands. Metrics are the costly part (a pass over the whole trace):
/// without `with_metrics` they are kept from `previous`, unless the lanes themselves changed.
/// Message rows from `previous` are reused where the trace they came from has only grown.
pub fn read_lanes(lab: &Lab, previous: &[LaneView], with_metrics: bool) -> Vec<LaneView> {
    let snapshots = lab.snapshots();
    let metrics = if with_metrics || previous.len() != lab.lanes.len() {
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
            LaneView {
                strategy: lane.strategy,
                snapshot,
                metrics,
                messages: Rc::new(recent_messages(lane.world.trace(), known)),
            }
        })
        .collect()
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
