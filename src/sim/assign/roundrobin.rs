//! `RoundRobinAssignor`: all partitions of the subscribed topics (topics by name, partitions
//! ascending) dealt one by one to the members in `MemberInfo` order, skipping members that do not
//! subscribe to the partition's topic. No rack awareness.

use super::{
    compare_members, subscribed_topics, AssignError, ClusterMetadata, GroupAssignment,
    GroupSubscription, Subscription, TopicPartition,
};

pub fn assign(
    cluster: &ClusterMetadata,
    group: &GroupSubscription,
) -> Result<GroupAssignment, AssignError> {
    let mut assignment: GroupAssignment = group
        .members
        .iter()
        .map(|m| (m.member_id.clone(), Vec::new()))
        .collect();
    let mut members: Vec<&Subscription> = group.members.iter().collect();
    members.sort_by(|a, b| compare_members(a, b));

    // Kafka's `CircularIterator`: the cursor stays on the member that received the last partition's
    // successor, and skips non-subscribers; every topic here has at least one subscriber.
    let mut cursor = 0;
    for (topic, partitions, _) in subscribed_topics(cluster, group) {
        for partition in 0..partitions {
            while !members[cursor].topics.contains(&topic) {
                cursor = (cursor + 1) % members.len();
            }
            assignment
                .get_mut(&members[cursor].member_id)
                .expect("member is in the assignment")
                .push(TopicPartition::new(topic.clone(), partition));
            cursor = (cursor + 1) % members.len();
        }
    }
    Ok(assignment)
}

#[cfg(test)]
mod tests {
    use super::*;

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
