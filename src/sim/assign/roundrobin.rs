//! `RoundRobinAssignor`: all partitions of the subscribed topics (topics by name, partitions
//! ascending) dealt one by one to the members in `MemberInfo` order, skipping members that do not
//! subscribe to the partition's topic. No rack awareness.

use super::{
    collect_assignment, sorted_member_indices, subscribed_topics, subscription_matrix, AssignError,
    ClusterMetadata, GroupAssignment, GroupSubscription, TopicPartition,
};

pub fn assign(
    cluster: &ClusterMetadata,
    group: &GroupSubscription,
) -> Result<GroupAssignment, AssignError> {
    let members = sorted_member_indices(group);
    let topics = subscribed_topics(cluster, group);
    let width = topics.len();
    let subscribes = subscription_matrix(group, &topics);

    // Kafka's `CircularIterator`: after each partition the cursor moves past the receiver, and it
    // skips non-subscribers; every topic here has at least one subscriber. The receivers are noted
    // first, so that each member's list is allocated once, at its final length.
    let total: usize = topics.iter().map(|(_, count, _)| *count as usize).sum();
    let mut receiver: Vec<u32> = Vec::with_capacity(total);
    let mut counts = vec![0usize; group.members.len()];
    let mut cursor = 0;
    for (t, (_, partitions, _)) in topics.iter().enumerate() {
        for _ in 0..*partitions {
            while !subscribes[members[cursor] * width + t] {
                cursor = (cursor + 1) % members.len();
            }
            receiver.push(members[cursor] as u32);
            counts[members[cursor]] += 1;
            cursor = (cursor + 1) % members.len();
        }
    }
    let mut assignment: Vec<Vec<TopicPartition>> =
        counts.iter().map(|&n| Vec::with_capacity(n)).collect();
    let mut receivers = receiver.iter();
    for (topic, partitions, _) in &topics {
        for (partition, &m) in (0..*partitions).zip(&mut receivers) {
            assignment[m as usize].push(TopicPartition::new(topic, partition));
        }
    }
    // Topics were dealt in Java `String` order; the lists are sorted as `TopicPartition`s order,
    // which differs only for topic names outside the characters Kafka allows.
    if !topics.windows(2).all(|w| w[0].0 < w[1].0) {
        assignment.iter_mut().for_each(|list| list.sort_unstable());
    }
    Ok(collect_assignment(group, assignment))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::assign::Subscription;

    #[test]
    fn deals_partitions_in_member_order() {
        let cluster = ClusterMetadata {
            topics: vec![("t0".into(), 3), ("t1".into(), 3)],
            ..Default::default()
        };
        let topics = vec!["t0".to_string(), "t1".to_string()];
        let group = GroupSubscription {
            members: vec![
                Subscription::new("C1", topics.clone()),
                Subscription::new("C0", topics),
            ],
        };
        let a = assign(&cluster, &group).unwrap();
        let names = |m: &str| a[m].iter().map(|tp| tp.to_string()).collect::<Vec<_>>();
        assert_eq!(names("C0"), vec!["t0-0", "t0-2", "t1-1"]);
        assert_eq!(names("C1"), vec!["t0-1", "t1-0", "t1-2"]);
    }
}
