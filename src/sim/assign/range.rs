//! `RangeAssignor`: per topic, the subscribers in member order take contiguous blocks of partitions;
//! the first `P % n` subscribers take one more. Extras pile up on the first members across topics.
//!
//! Rack-aware variant (KIP-881): when members and partition replicas have racks and some partition
//! is not on every rack, a rack pass first gives each subscriber the partitions it can read locally
//! (up to its range quota), co-partitioned topics together; the plain pass then fills the quotas.

use super::{
    collect_assignment, member_rack, sorted_member_indices, subscribed_topics, subscription_matrix,
    AssignError, ClusterMetadata, GroupAssignment, GroupSubscription, TopicName, TopicPartition,
};
use crate::sim::sort;
use crate::sim::sort::CollectBTree;
use std::collections::BTreeSet;

/// Partitions given so far, per member (index into `group.members`).
type Out = Vec<Vec<TopicPartition>>;

pub fn assign(
    cluster: &ClusterMetadata,
    group: &GroupSubscription,
) -> Result<GroupAssignment, AssignError> {
    let sorted = sorted_member_indices(group);
    let topics = subscribed_topics(cluster, group);
    let mut assignment: Out = vec![Vec::new(); group.members.len()];
    let subscribes = subscription_matrix(group, &topics);
    let mut states: Vec<TopicAssignmentState> = topics
        .iter()
        .enumerate()
        .map(|(t, (topic, count, index))| {
            let subscribers = sorted
                .iter()
                .copied()
                .filter(|&m| subscribes[m * topics.len() + t]);
            TopicAssignmentState::new(cluster, group, subscribers, topic, *count, *index)
        })
        .collect();

    let use_rack_aware = states.iter().any(|s| s.needs_rack_aware_assignment);
    if use_rack_aware {
        assign_with_rack_matching(&mut states, &mut assignment);
    }
    for state in &mut states {
        assign_ranges(state, |_, _, _| true, &mut assignment);
    }
    Ok(collect_assignment(group, assignment))
}

/// Per-topic bookkeeping (Kafka's `TopicAssignmentState`).
struct TopicAssignmentState<'t> {
    topic: TopicName,
    /// Subscribers (member indices) in `MemberInfo` order, with their rack.
    consumers: Vec<(usize, Option<&'t str>)>,
    /// Rack set of each partition; empty when no subscriber has a rack.
    partition_racks: Vec<Vec<String>>,
    needs_rack_aware_assignment: bool,
    unassigned: BTreeSet<i32>,
    assigned_count: Vec<i32>,
    partitions_per_consumer: i32,
    remaining_consumers_with_extra_partition: i32,
}

impl<'t> TopicAssignmentState<'t> {
    fn new(
        cluster: &ClusterMetadata,
        group: &'t GroupSubscription,
        subscribers: impl Iterator<Item = usize>,
        topic: &TopicName,
        partitions: i32,
        topic_index: usize,
    ) -> Self {
        let consumers: Vec<(usize, Option<&str>)> = subscribers
            .map(|m| (m, member_rack(&group.members[m])))
            .collect();

        let consumer_racks: BTreeSet<&str> = consumers.iter().filter_map(|(_, r)| *r).collect_set();
        let partition_racks: Vec<Vec<String>> = if consumer_racks.is_empty() {
            Vec::new()
        } else {
            (0..partitions)
                .map(|p| {
                    let mut racks: Vec<String> = cluster
                        .replica_racks(topic_index, p)
                        .into_iter()
                        .map(str::to_string)
                        .collect();
                    sort::sort(&mut racks);
                    racks
                })
                .collect()
        };
        let needs_rack_aware_assignment =
            use_rack_aware_assignment(&consumer_racks, &partition_racks);

        let n = consumers.len() as i32;
        Self {
            topic: topic.clone(),
            assigned_count: vec![0; consumers.len()],
            consumers,
            partition_racks,
            needs_rack_aware_assignment,
            unassigned: (0..partitions).collect_set(),
            partitions_per_consumer: if n == 0 { 0 } else { partitions / n },
            remaining_consumers_with_extra_partition: if n == 0 { 0 } else { partitions % n },
        }
    }

    /// A consumer without a rack matches every partition; one with a rack only partitions with a
    /// replica on it.
    fn racks_match(&self, consumer: usize, partition: i32) -> bool {
        match self.consumers[consumer].1 {
            None => true,
            Some(rack) => self
                .partition_racks
                .get(partition as usize)
                .is_some_and(|racks| racks.iter().any(|r| r == rack)),
        }
    }

    /// `maxAssignable`: the range quota left to this consumer (`q + 1` while extras remain).
    fn max_assignable(&self, consumer: usize) -> i32 {
        let extra = i32::from(self.remaining_consumers_with_extra_partition > 0);
        (self.partitions_per_consumer + extra - self.assigned_count[consumer]).max(0)
    }

    fn on_assigned(&mut self, consumer: usize, partitions: &[i32]) {
        self.assigned_count[consumer] += partitions.len() as i32;
        if self.assigned_count[consumer] > self.partitions_per_consumer {
            self.remaining_consumers_with_extra_partition -= 1;
        }
        for p in partitions {
            self.unassigned.remove(p);
        }
    }
}

/// KIP-881's switch: some consumer rack holds a replica, and not every partition is on all racks.
fn use_rack_aware_assignment(
    consumer_racks: &BTreeSet<&str>,
    partition_racks: &[Vec<String>],
) -> bool {
    let all_partition_racks: BTreeSet<&str> = partition_racks
        .iter()
        .flat_map(|racks| racks.iter().map(String::as_str))
        .collect_set();
    if consumer_racks.is_disjoint(&all_partition_racks) {
        return false;
    }
    partition_racks
        .iter()
        .any(|racks| racks.len() != all_partition_racks.len())
}

fn give<'t>(
    state: &mut TopicAssignmentState<'t>,
    consumer: usize,
    partitions: &[i32],
    out: &mut Out,
) {
    let topic = &state.topic;
    out[state.consumers[consumer].0]
        .extend(partitions.iter().map(|&p| TopicPartition::new(topic, p)));
    state.on_assigned(consumer, partitions);
}

/// `assignRanges`: each consumer in order takes, ascending, the unassigned partitions it may take,
/// up to the quota it has at the start of its turn.
fn assign_ranges<'t>(
    state: &mut TopicAssignmentState<'t>,
    may_assign: impl Fn(&TopicAssignmentState, usize, i32) -> bool,
    out: &mut Out,
) {
    for consumer in 0..state.consumers.len() {
        if state.unassigned.is_empty() {
            break;
        }
        let limit = state.max_assignable(consumer) as usize;
        let partitions: Vec<i32> = state
            .unassigned
            .iter()
            .copied()
            .filter(|&p| may_assign(state, consumer, p))
            .take(limit)
            .collect();
        if !partitions.is_empty() {
            give(state, consumer, &partitions, out);
        }
    }
}

/// The rack pass. Topics are grouped by subscribers, then by the size of their partition-rack map:
/// the partition count, or 0 when no subscriber has a rack (such a group places nothing, as in
/// Kafka). Groups share no topic and quotas are per topic, so the order of the groups does not
/// matter.
fn assign_with_rack_matching<'t>(states: &mut [TopicAssignmentState<'t>], out: &mut Out) {
    let mut groups: Vec<(Vec<usize>, usize, Vec<usize>)> = Vec::new();
    for (index, state) in states.iter().enumerate() {
        let key: Vec<usize> = state.consumers.iter().map(|(m, _)| *m).collect();
        let count = state.partition_racks.len();
        match groups.iter_mut().find(|(k, c, _)| *k == key && *c == count) {
            Some((_, _, members)) => members.push(index),
            None => groups.push((key, count, vec![index])),
        }
    }
    let groups: Vec<(usize, Vec<usize>)> = groups.into_iter().map(|(_, c, m)| (c, m)).collect();
    for (partitions, topics) in groups {
        if topics.len() > 1 {
            assign_co_partitioned_with_rack_matching(states, partitions as i32, &topics, out);
        } else {
            let state = &mut states[topics[0]];
            if state.needs_rack_aware_assignment {
                assign_ranges(state, |s, c, p| s.racks_match(c, p), out);
            }
        }
    }
}

/// Co-partitioned topics: partition `p` of all of them goes to the first consumer that matches `p`'s
/// racks in every topic and still has quota in every one.
fn assign_co_partitioned_with_rack_matching<'t>(
    states: &mut [TopicAssignmentState<'t>],
    partitions: i32,
    topics: &[usize],
    out: &mut Out,
) {
    // The topics of a group have the same subscribers in the same order.
    let mut remaining: Vec<usize> = (0..states[topics[0]].consumers.len()).collect();
    for p in 0..partitions {
        let chosen = remaining.iter().copied().find(|&c| {
            topics
                .iter()
                .all(|&t| states[t].racks_match(c, p) && states[t].max_assignable(c) > 0)
        });
        let Some(consumer) = chosen else { continue };
        for &t in topics {
            give(&mut states[t], consumer, &[p], out);
        }
        if topics
            .iter()
            .all(|&t| states[t].max_assignable(consumer) == 0)
        {
            remaining.retain(|&c| c != consumer);
            if remaining.is_empty() {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::assign::Subscription;

    fn group(members: &[&str], topics: &[&str]) -> GroupSubscription {
        GroupSubscription {
            members: members
                .iter()
                .map(|m| Subscription::new(*m, topics.iter().map(|t| t.to_string()).collect()))
                .collect(),
        }
    }

    fn partitions(a: &GroupAssignment, member: &str) -> Vec<i32> {
        a[member].iter().map(|tp| tp.partition).collect()
    }

    #[test]
    fn contiguous_blocks_with_extras_first() {
        let cluster = ClusterMetadata {
            topics: vec![("orders".into(), 7)],
            ..Default::default()
        };
        let a = assign(&cluster, &group(&["c2", "c0", "c1"], &["orders"])).unwrap();
        assert_eq!(partitions(&a, "c0"), vec![0, 1, 2]);
        assert_eq!(partitions(&a, "c1"), vec![3, 4]);
        assert_eq!(partitions(&a, "c2"), vec![5, 6]);
    }

    #[test]
    fn more_members_than_partitions_leaves_the_last_idle() {
        let cluster = ClusterMetadata {
            topics: vec![("orders".into(), 2)],
            ..Default::default()
        };
        let a = assign(&cluster, &group(&["c0", "c1", "c2"], &["orders"])).unwrap();
        assert_eq!(partitions(&a, "c0"), vec![0]);
        assert_eq!(partitions(&a, "c1"), vec![1]);
        assert!(a["c2"].is_empty());
    }

    /// The spec's examples: brokers [a, b], RF 1, so t0's even partitions are on a, odd ones on b.
    fn racked(
        topics: &[(&str, i32)],
        members: &[(&str, Option<&str>)],
        subscribed: &[&str],
    ) -> GroupAssignment {
        let cluster = ClusterMetadata {
            topics: topics.iter().map(|(t, p)| (t.to_string(), *p)).collect(),
            broker_racks: vec![Some("a".into()), Some("b".into())],
            replication_factor: 1,
        };
        let mut g = group(
            &members.iter().map(|(m, _)| *m).collect::<Vec<_>>(),
            subscribed,
        );
        for (subscription, (_, rack)) in g.members.iter_mut().zip(members) {
            subscription.rack = rack.map(str::to_string);
        }
        let mut a = assign(&cluster, &g).unwrap();
        a.values_mut().for_each(|l| l.sort());
        a
    }

    #[test]
    fn rack_aware_prefers_local_partitions() {
        let a = racked(
            &[("t0", 4)],
            &[("C0", Some("b")), ("C1", Some("a"))],
            &["t0"],
        );
        assert_eq!(partitions(&a, "C0"), vec![1, 3]);
        assert_eq!(partitions(&a, "C1"), vec![0, 2]);
    }

    #[test]
    fn co_partitioned_topics_without_a_common_match_fall_back_to_plain_range() {
        let a = racked(
            &[("t0", 4), ("t1", 4)],
            &[("C0", Some("b")), ("C1", Some("a"))],
            &["t0", "t1"],
        );
        assert_eq!(partitions(&a, "C0"), vec![0, 1, 0, 1]);
        assert_eq!(partitions(&a, "C1"), vec![2, 3, 2, 3]);
    }

    #[test]
    fn rackless_consumers_match_everything() {
        let a = racked(
            &[("t0", 5)],
            &[("C0", Some("b")), ("C1", None), ("C2", Some("a"))],
            &["t0"],
        );
        assert_eq!(partitions(&a, "C0"), vec![1, 3]);
        assert_eq!(partitions(&a, "C1"), vec![0, 2]);
        assert_eq!(partitions(&a, "C2"), vec![4]);
    }
}
