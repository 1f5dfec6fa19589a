//! Who is really consuming, answered once for every view. Owning a partition is not consuming it:
//! the coordinator may have assigned it to a member that has not taken it yet, its owner may be
//! stalled in user code, or the process that holds it may be gone while the coordinator has not
//! noticed. The partition strips, the ownership timeline and compare mode all read their answers here.
//!
//! * From a [`Snapshot`], the present: who consumes each partition ([`partition_consumers`]) and which
//!   members are idle ([`is_idle`]).
//! * From the [`Metrics`] (read from the trace), the past: who owned what before and after each
//!   rebalance ([`handovers`]), how many partitions were consumed over time ([`consumed_series`]) and
//!   what the rebalances cost the group ([`rebalance_cost`]).

use super::assign::TopicPartition;
use super::metrics::{Metrics, OwnershipInterval, PartitionTimeline};
use super::snapshot::{ConsumerSnapshot, Snapshot};
use super::time::Millis;
use super::vocab::ConsumerState;
use std::collections::BTreeMap;

/// Who consumes one partition of a group at one instant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PartitionConsumer {
    Consuming(String),
    /// Owned, but its consumer is stalled in user code: nothing is consumed.
    Stalled(String),
    /// Assigned by the coordinator; the consumer has not taken it yet (or is revoking).
    Pending(String),
    /// Still assigned to a consumer that is no longer running (crashed or closed): until the
    /// coordinator notices, nobody consumes it.
    Orphaned(String),
    Nobody,
}

impl PartitionConsumer {
    /// The consumer the partition is with, whether or not it consumes it.
    pub fn holder(&self) -> Option<&str> {
        match self {
            PartitionConsumer::Consuming(h)
            | PartitionConsumer::Stalled(h)
            | PartitionConsumer::Pending(h)
            | PartitionConsumer::Orphaned(h) => Some(h),
            PartitionConsumer::Nobody => None,
        }
    }
}

/// Each partition of `topic` (as many as the snapshot's topic has; none if it has no such topic)
/// with who consumes it in `group`.
///
/// What the coordinator assigned comes first, then what consumers own overrides it: owning is what
/// consuming needs. Where two consumers believe they own a partition (a stalled member that was
/// pushed out still holds it until its next poll), the one actually consuming keeps it.
pub fn partition_consumers(
    snapshot: &Snapshot,
    group: &str,
    topic: &str,
) -> Vec<PartitionConsumer> {
    let partitions = snapshot
        .topics
        .iter()
        .find(|t| t.name == topic)
        .map_or(0, |t| t.partitions);
    let members: Vec<&ConsumerSnapshot> = snapshot
        .consumers
        .iter()
        .filter(|c| c.group == group)
        .collect();
    let mut by_partition: BTreeMap<i32, PartitionConsumer> = BTreeMap::new();
    for c in &members {
        for tp in c
            .assigned_by_coordinator
            .iter()
            .filter(|tp| tp.topic == topic)
        {
            let who = if c.state.is_running() {
                PartitionConsumer::Pending(c.handle.clone())
            } else {
                PartitionConsumer::Orphaned(c.handle.clone())
            };
            by_partition.insert(tp.partition, who);
        }
    }
    for c in &members {
        for tp in c.owned.iter().filter(|tp| tp.topic == topic) {
            let stalled = c.state == ConsumerState::Stalled;
            let consumed_by_another = matches!(
                by_partition.get(&tp.partition),
                Some(PartitionConsumer::Consuming(_))
            );
            if stalled && consumed_by_another {
                continue;
            }
            let who = if stalled {
                PartitionConsumer::Stalled(c.handle.clone())
            } else {
                PartitionConsumer::Consuming(c.handle.clone())
            };
            by_partition.insert(tp.partition, who);
        }
    }
    (0..partitions)
        .map(|p| by_partition.remove(&p).unwrap_or(PartitionConsumer::Nobody))
        .collect()
}

/// A stable member that owns nothing: it heartbeats and polls, but the group has more members than
/// partitions for it.
pub fn is_idle(c: &ConsumerSnapshot) -> bool {
    c.state == ConsumerState::Stable && c.owned.is_empty()
}

/// One partition and who owned it (`None`: nobody).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionOwner {
    pub partition: TopicPartition,
    pub owner: Option<String>,
}

/// What one rebalance did to ownership: who owned each of the group's partitions just before it
/// began and who each went to once it was over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handover {
    /// When the group became Stable again, or `now` while the rebalance is still under way.
    pub until: Millis,
    pub before: Vec<PartitionOwner>,
    pub after: Vec<PartitionOwner>,
}

/// The handover of every rebalance of `group`, in the order of its `rebalances` in `metrics`, as
/// far as the trace reaches (`now`).
pub fn handovers(metrics: &Metrics, group: &str, now: Millis) -> Vec<Handover> {
    let rows = timelines_of(metrics, group);
    let rebalances = metrics
        .groups
        .get(group)
        .map_or(&[][..], |g| &g.rebalances[..]);
    rebalances
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let until = r.stable_at.unwrap_or(now).min(now);
            let next_start = rebalances.get(i + 1).map_or(now, |n| n.started_at).min(now);
            Handover {
                until,
                before: owners(&rows, |row| owner_before(row, r.started_at)),
                after: owners(&rows, |row| owner_after(row, until, next_start)),
            }
        })
        .collect()
}

fn timelines_of<'m>(metrics: &'m Metrics, group: &str) -> Vec<&'m PartitionTimeline> {
    metrics
        .timelines
        .iter()
        .filter(|t| t.group == group)
        .collect()
}

fn owners(
    rows: &[&PartitionTimeline],
    owner_of: impl Fn(&PartitionTimeline) -> Option<String>,
) -> Vec<PartitionOwner> {
    rows.iter()
        .map(|row| PartitionOwner {
            partition: row.partition.clone(),
            owner: owner_of(row),
        })
        .collect()
}

/// An interval's end, never before its start plus one: a zero-length interval still counts at its instant.
fn end_of(iv: &OwnershipInterval) -> Millis {
    iv.to.max(iv.from + 1)
}

/// Who owned the partition just before `t`.
fn owner_before(row: &PartitionTimeline, t: Millis) -> Option<String> {
    row.intervals
        .iter()
        .find(|iv| iv.from < t && t <= end_of(iv))
        .and_then(|iv| iv.owner.clone())
}

/// Who the partition went to once a rebalance ended at `end`: its first owner from then on, up to
/// `until` (the next rebalance, or now). The group turns Stable before its members have received
/// their SyncGroup answers, so the owner at the very instant `end` is often still nobody.
fn owner_after(row: &PartitionTimeline, end: Millis, until: Millis) -> Option<String> {
    row.intervals
        .iter()
        .filter(|iv| end_of(iv) > end && iv.from <= until)
        .find_map(|iv| iv.owner.clone())
}

/// How many of a group's partitions were being consumed over time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsumedSeries {
    /// The partitions the group reads (every partition with a timeline).
    pub partitions: usize,
    /// (instant, partitions being consumed then), evenly spaced from 0.
    pub points: Vec<(Millis, usize)>,
}

/// The partitions of `group` being consumed at `samples + 1` evenly spaced instants over [0, until].
/// An ownership interval holds from its start up to, not including, its end — except a row's last
/// interval, which the metrics close at their `until` only because the trace ends there: it is still
/// open, so the current instant counts what is being consumed now (not a drop to zero).
pub fn consumed_series(
    metrics: &Metrics,
    group: &str,
    until: Millis,
    samples: usize,
) -> ConsumedSeries {
    let rows = timelines_of(metrics, group);
    let consumed_at = |t: Millis| {
        rows.iter()
            .filter(|row| {
                let open = row.intervals.last().filter(|iv| iv.to == metrics.until);
                row.intervals.iter().any(|iv| {
                    let holds = iv.from <= t && (t < iv.to || open == Some(iv));
                    iv.consuming && iv.owner.is_some() && holds
                })
            })
            .count()
    };
    let points = (0..=samples)
        .map(|i| until * i as u64 / samples.max(1) as u64)
        .map(|t| (t, consumed_at(t)))
        .collect();
    ConsumedSeries {
        partitions: rows.len(),
        points,
    }
}

/// What a group's rebalances have cost it so far: the figures compare mode sets side by side.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RebalanceCost {
    /// Join phases, i.e. generations.
    pub rebalances: usize,
    /// Partitions taken from their owners, revoked or lost.
    pub partitions_taken: usize,
    /// Sum over partitions of the time nobody consumed them since the group was first Stable.
    pub unconsumed_partition_ms: Millis,
    /// The longest stretch one of the group's running consumers, once given partitions, consumed
    /// nothing: stalled, or owning none (between an eager revocation and the next assignment).
    pub longest_pause_ms: Millis,
    /// With producers: records processed more than once, and records processed in all.
    pub duplicates: u64,
    pub records_processed: u64,
}

pub fn rebalance_cost(metrics: &Metrics, group: &str) -> RebalanceCost {
    let longest_pause_ms = metrics
        .consumers
        .values()
        .filter(|c| c.group == group)
        .map(|c| c.longest_pause_ms)
        .max()
        .unwrap_or(0);
    let Some(g) = metrics.groups.get(group) else {
        return RebalanceCost {
            longest_pause_ms,
            ..RebalanceCost::default()
        };
    };
    RebalanceCost {
        rebalances: g.rebalances.len(),
        partitions_taken: g.partitions_revoked + g.partitions_lost,
        unconsumed_partition_ms: g.unconsumed_partition_ms,
        longest_pause_ms,
        duplicates: g.duplicates,
        records_processed: g.records_processed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::metrics::compute;
    use crate::sim::scenario::{ConfigValue, ConsumerSpec, GroupSpec, TopicSpec};
    use crate::sim::{Action, Scenario, World};

    /// One group of three on a 6-partition topic (eager range), with classroom timeouts
    /// (session.timeout.ms 10 s, max.poll.interval.ms 30 s), stable by 15 s.
    fn stable_world() -> World {
        let classroom = [
            ("session.timeout.ms", "10000"),
            ("heartbeat.interval.ms", "3000"),
            ("max.poll.interval.ms", "30000"),
        ];
        let scenario = Scenario {
            name: "three of six".into(),
            description: String::new(),
            seed: 7,
            network_latency_ms: 2,
            broker: BTreeMap::new(),
            producers: Vec::new(),
            trace_record_flow: true,
            topics: vec![TopicSpec {
                name: "orders".into(),
                partitions: 6,
            }],
            groups: vec![GroupSpec {
                group_id: "orders-app".into(),
                config: classroom
                    .iter()
                    .map(|(k, v)| (k.to_string(), ConfigValue(v.to_string())))
                    .collect(),
            }],
            // Named c1 < c2 < c3 by client.id, so that range takes them in that order.
            consumers: (0..3)
                .map(|i| ConsumerSpec {
                    group: "orders-app".into(),
                    topics: vec!["orders".into()],
                    config: [("client.id".to_string(), ConfigValue(format!("c{}", i + 1)))]
                        .into_iter()
                        .collect(),
                    start_at_ms: i * 700,
                    count: 1,
                })
                .collect(),
            actions: Vec::new(),
            duration_ms: 120_000,
        };
        let mut world = World::new(&scenario).expect("valid scenario");
        world.run_until(15_000);
        world
    }

    fn apply(world: &mut World, action: Action) {
        world.apply(action).expect("the action applies");
    }

    fn consumers(world: &World) -> Vec<PartitionConsumer> {
        partition_consumers(&world.snapshot(), "orders-app", "orders")
    }

    #[test]
    fn a_stable_group_consumes_every_partition() {
        let row = consumers(&stable_world());
        assert_eq!(row.len(), 6);
        assert!(
            row.iter()
                .all(|c| matches!(c, PartitionConsumer::Consuming(_))),
            "{row:?}"
        );
    }

    #[test]
    fn an_unknown_topic_or_group_has_no_consumers() {
        let s = stable_world().snapshot();
        assert!(partition_consumers(&s, "orders-app", "payments").is_empty());
        assert!(partition_consumers(&s, "analytics", "orders")
            .iter()
            .all(|c| *c == PartitionConsumer::Nobody));
    }

    #[test]
    fn a_crashed_consumers_partitions_are_orphaned_until_the_coordinator_notices() {
        let mut world = stable_world();
        apply(
            &mut world,
            Action::KillConsumer {
                consumer: "c2".into(),
            },
        );
        let row = consumers(&world);
        assert_eq!(row[2], PartitionConsumer::Orphaned("c2".into()));
        assert_eq!(row[3], PartitionConsumer::Orphaned("c2".into()));
        assert_eq!(row[0], PartitionConsumer::Consuming("c1".into()));
        assert_eq!(row[2].holder(), Some("c2"));
    }

    #[test]
    fn a_stalled_owner_holds_its_partitions_without_consuming_them() {
        let mut world = stable_world();
        apply(
            &mut world,
            Action::StallConsumer {
                consumer: "c2".into(),
                ms: 60_000,
            },
        );
        world.run_until(16_000);
        let row = consumers(&world);
        assert_eq!(row[2], PartitionConsumer::Stalled("c2".into()));
        assert_eq!(row[0], PartitionConsumer::Consuming("c1".into()));
    }

    #[test]
    fn a_pushed_out_stalled_member_does_not_hide_the_new_owner() {
        let mut world = stable_world();
        apply(
            &mut world,
            Action::StallConsumer {
                consumer: "c2".into(),
                ms: 60_000,
            },
        );
        world.run_until(60_000);
        let s = world.snapshot();
        let c2 = s.consumers.iter().find(|c| c.handle == "c2").unwrap();
        assert!(
            !c2.owned.is_empty(),
            "the stalled member still believes it owns its partitions"
        );
        let row = partition_consumers(&s, "orders-app", "orders");
        assert!(
            row.iter()
                .all(|c| matches!(c, PartitionConsumer::Consuming(_))),
            "{row:?}"
        );
    }

    #[test]
    fn a_member_beyond_the_partition_count_is_idle() {
        let mut world = stable_world();
        for _ in 0..4 {
            apply(
                &mut world,
                Action::AddConsumer {
                    group: "orders-app".into(),
                    topics: vec!["orders".into()],
                    config: BTreeMap::new(),
                },
            );
        }
        world.run_until(40_000);
        let s = world.snapshot();
        let idle: Vec<&str> = s
            .consumers
            .iter()
            .filter(|c| is_idle(c))
            .map(|c| c.handle.as_str())
            .collect();
        assert_eq!(idle.len(), 1, "7 members, 6 partitions: {idle:?}");
    }

    /// Partition → owner, as "P0=c1 P1=c1 …" (nobody as "-").
    fn listed(owners: &[PartitionOwner]) -> String {
        owners
            .iter()
            .map(|o| {
                format!(
                    "P{}={}",
                    o.partition.partition,
                    o.owner.as_deref().unwrap_or("-")
                )
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// A fourth consumer joins at 20 s; the run goes on to 40 s.
    fn a_fourth_joins() -> World {
        let mut world = stable_world();
        world.run_until(20_000);
        apply(
            &mut world,
            Action::AddConsumer {
                group: "orders-app".into(),
                topics: vec!["orders".into()],
                config: [("client.id".to_string(), ConfigValue("c4".into()))]
                    .into_iter()
                    .collect(),
            },
        );
        world.run_until(40_000);
        world
    }

    #[test]
    fn a_handover_tells_the_owners_before_and_after_its_rebalance() {
        let world = a_fourth_joins();
        let metrics = compute(world.trace(), world.now());
        let rebalances = &metrics.groups["orders-app"].rebalances;
        let i = rebalances.iter().position(|r| r.generation == 2).unwrap();
        let handover = &handovers(&metrics, "orders-app", world.now())[i];
        assert_eq!(
            listed(&handover.before),
            "P0=c1 P1=c1 P2=c2 P3=c2 P4=c3 P5=c3"
        );
        assert_eq!(
            listed(&handover.after),
            "P0=c1 P1=c1 P2=c2 P3=c2 P4=c3 P5=c4"
        );
        assert_eq!(Some(handover.until), rebalances[i].stable_at);
    }

    #[test]
    fn a_rebalance_under_way_lasts_until_now() {
        let finished = a_fourth_joins();
        let metrics = compute(finished.trace(), finished.now());
        let r = metrics.groups["orders-app"]
            .rebalances
            .iter()
            .find(|r| r.generation == 2)
            .unwrap()
            .clone();
        // Between the JoinGroup answers and the group's Stable state: the generation exists,
        // its assignment does not yet.
        let midway = r.join_completed_at;
        assert!(r.stable_at.is_some_and(|t| t > midway));
        let mut world = stable_world();
        world.run_until(20_000);
        apply(
            &mut world,
            Action::AddConsumer {
                group: "orders-app".into(),
                topics: vec!["orders".into()],
                config: BTreeMap::new(),
            },
        );
        world.run_until(midway);
        let metrics = compute(world.trace(), world.now());
        let last = handovers(&metrics, "orders-app", world.now()).pop();
        let last = last.expect("the generation under way is known");
        assert_eq!(last.until, midway);
    }

    #[test]
    fn the_consumed_series_drops_while_a_crashed_consumer_goes_unnoticed() {
        let mut world = stable_world();
        apply(
            &mut world,
            Action::KillConsumer {
                consumer: "c2".into(),
            },
        );
        world.run_until(40_000);
        let metrics = compute(world.trace(), world.now());
        let series = consumed_series(&metrics, "orders-app", 40_000, 40);
        assert_eq!(series.partitions, 6);
        assert_eq!(series.points.len(), 41);
        assert_eq!(
            series.points[0],
            (0, 0),
            "nobody consumes before the first join"
        );
        assert_eq!(series.points[14], (14_000, 6));
        assert_eq!(
            series.points[20],
            (20_000, 4),
            "c2's two partitions wait for its session to expire"
        );
        assert_eq!(
            series.points[39],
            (39_000, 6),
            "all consumed once stable again"
        );
        assert_eq!(
            series.points[40],
            (40_000, 6),
            "the current instant counts what is consumed now: no drop to zero at the right edge"
        );
    }

    #[test]
    fn the_cost_of_a_join_counts_the_eager_revocations() {
        let world = a_fourth_joins();
        let metrics = compute(world.trace(), world.now());
        let cost = rebalance_cost(&metrics, "orders-app");
        let g = &metrics.groups["orders-app"];
        assert_eq!(cost.rebalances, g.rebalances.len());
        assert_eq!(
            cost.partitions_taken,
            g.partitions_revoked + g.partitions_lost
        );
        assert_eq!(
            cost.partitions_taken, 6,
            "eager: every owned partition is revoked once"
        );
        assert_eq!(cost.unconsumed_partition_ms, g.unconsumed_partition_ms);
        assert!(cost.longest_pause_ms > 0, "eager: every owner paused");
        assert_eq!(rebalance_cost(&metrics, "nobody"), RebalanceCost::default());
    }
}
