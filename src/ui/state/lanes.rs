//! What each lane of the page shows, re-read from the Lab after every change.

use super::messages::{recent_messages, MessageRow};
use crate::session::lag_chart::{lag_charts, LagChart};
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
    /// Each group's lag over time (with producers), re-read with the metrics.
    pub lag: Rc<Vec<LagChart>>,
    pub messages: Rc<Vec<MessageRow>>,
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
