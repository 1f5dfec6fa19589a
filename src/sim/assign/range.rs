//! `RangeAssignor`: per topic, the subscribers in member order take contiguous blocks of partitions;
//! the first `P % n` subscribers take one more. Extras pile up on the first members across topics.

use super::{
    member_sort_key, AssignError, ClusterMetadata, GroupAssignment, GroupSubscription,
    TopicPartition,
};
use std::collections::BTreeMap;

pub fn assign(
    cluster: &ClusterMetadata,
    group: &GroupSubscription,
) -> Result<GroupAssignment, AssignError> {
    let mut assignment: GroupAssignment = group
        .members
        .iter()
        .map(|m| (m.member_id.clone(), Vec::new()))
        .collect();
    for (topic, subscribers) in subscribers_per_topic(group) {
        let Some(partitions) = cluster.partition_count(topic).filter(|&p| p > 0) else {
            continue; // Kafka skips topics missing from the metadata.
        };
        assign_topic(topic, partitions, &subscribers, &mut assignment);
    }
    Ok(assignment)
}

/// Each subscribed topic with its subscribers in `MemberInfo` order (static first, then member id).
fn subscribers_per_topic(group: &GroupSubscription) -> BTreeMap<&str, Vec<&str>> {
    let mut sorted: Vec<_> = group.members.iter().collect();
    sorted.sort_by(|a, b| member_sort_key(a).cmp(&member_sort_key(b)));
    let mut per_topic: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for member in sorted {
        for topic in &member.topics {
            let list = per_topic.entry(topic.as_str()).or_default();
            if !list.contains(&member.member_id.as_str()) {
                list.push(member.member_id.as_str());
            }
        }
    }
    per_topic
}

fn assign_topic(topic: &str, partitions: i32, subscribers: &[&str], out: &mut GroupAssignment) {
    let n = subscribers.len() as i32;
    let quota = partitions / n;
    let extra = partitions % n;
    let mut next = 0;
    for (i, member) in subscribers.iter().enumerate() {
        let count = quota + i32::from((i as i32) < extra);
        let block = (next..next + count).map(|p| TopicPartition::new(topic, p));
        out.get_mut(*member)
            .expect("subscriber is a member")
            .extend(block);
        next += count;
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
}
