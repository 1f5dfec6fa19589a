//! Partition assignors, bit-exact with Kafka 4.1.2:
//! * client side, as the classic group's leader runs them (`ConsumerPartitionAssignor`):
//!   [`range`], [`roundrobin`], [`sticky`] (eager `sticky` and `cooperative-sticky`), through [`assign`];
//! * server side, as the KIP-848 group coordinator runs them: [`server`] (`uniform`, `range`).
//!
//! Kafka iterates Java `HashMap`s in places that decide results; [`java_hash`] reproduces that
//! order. `tests/model/conformance.rs` replays the cases Kafka's own classes answered, through
//! [`conformance`], which `lab assign` uses as well; [`bench`] times the assign call as Kafka's
//! figures were taken (`lab assign --bench`).

pub mod bench;
pub mod case_check;
pub mod conformance;
pub mod java_hash;
pub mod range;
pub mod roundrobin;
pub mod server;
pub mod sticky;
mod topic_partition;

pub use topic_partition::{TopicName, TopicPartition};

use crate::sim::sort;
use crate::sim::sort::CollectSortedMap;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// Which rebalance protocol an assignor supports (`ConsumerPartitionAssignor.RebalanceProtocol`).
/// EAGER < COOPERATIVE: a classic group uses the highest one that every configured assignor supports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RebalanceProtocol {
    Eager,
    Cooperative,
}

/// The assignors a classic consumer can name in `partition.assignment.strategy`, by Kafka's protocol names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AssignorName {
    #[serde(rename = "range")]
    Range,
    #[serde(rename = "roundrobin")]
    RoundRobin,
    #[serde(rename = "sticky")]
    Sticky,
    #[serde(rename = "cooperative-sticky")]
    CooperativeSticky,
}

impl AssignorName {
    pub const ALL: [AssignorName; 4] = [
        AssignorName::Range,
        AssignorName::RoundRobin,
        AssignorName::Sticky,
        AssignorName::CooperativeSticky,
    ];

    /// The name the assignor carries on the wire (`ConsumerPartitionAssignor.name()`).
    pub fn protocol_name(self) -> &'static str {
        match self {
            AssignorName::Range => "range",
            AssignorName::RoundRobin => "roundrobin",
            AssignorName::Sticky => "sticky",
            AssignorName::CooperativeSticky => "cooperative-sticky",
        }
    }

    pub fn from_protocol_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.protocol_name() == name)
    }

    /// `supportedProtocols()`: only cooperative-sticky supports COOPERATIVE (it also supports EAGER).
    pub fn supported_protocols(self) -> &'static [RebalanceProtocol] {
        match self {
            AssignorName::CooperativeSticky => {
                &[RebalanceProtocol::Eager, RebalanceProtocol::Cooperative]
            }
            _ => &[RebalanceProtocol::Eager],
        }
    }
}

impl fmt::Display for AssignorName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.protocol_name())
    }
}

/// One member's `Subscription` as the leader reads it back from the JoinGroup response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    pub member_id: String,
    /// `group.instance.id` of a static member.
    pub group_instance_id: Option<String>,
    /// Subscribed topic names, in the order the member listed them.
    pub topics: Vec<String>,
    /// `ownedPartitions`: what a cooperative member still owns while it rejoins; empty under EAGER.
    pub owned_partitions: Vec<TopicPartition>,
    /// `generationId` of `owned_partitions` (or of the sticky user data); -1 when absent.
    pub generation: i32,
    /// `client.rack`, if set.
    pub rack: Option<String>,
    /// The eager StickyAssignor's user data: the member's previous assignment. `None` when absent.
    pub sticky_previous_assignment: Option<Vec<TopicPartition>>,
}

impl Subscription {
    pub fn new(member_id: impl Into<String>, topics: Vec<String>) -> Self {
        Self {
            member_id: member_id.into(),
            group_instance_id: None,
            topics,
            owned_partitions: Vec::new(),
            generation: -1,
            rack: None,
            sticky_previous_assignment: None,
        }
    }
}

/// All members' subscriptions, in the order the leader's `HashMap` was filled (join order).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupSubscription {
    pub members: Vec<Subscription>,
}

/// The leader's view of the cluster (`Cluster` in Kafka): topics in a fixed order, and optionally
/// broker racks for rack-aware assignment (KIP-881).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterMetadata {
    /// Topic name and partition count, in topic-index order.
    pub topics: Vec<(String, i32)>,
    /// Rack of broker i (`None`: a broker without a rack). Empty: one rackless broker leads every
    /// partition.
    pub broker_racks: Vec<Option<String>>,
    pub replication_factor: i32,
}

impl ClusterMetadata {
    pub fn partition_count(&self, topic: &str) -> Option<i32> {
        self.topics
            .iter()
            .find(|(name, _)| name == topic)
            .map(|(_, count)| *count)
    }

    /// Racks of the replicas of partition `partition` of the `topic_index`-th topic, distinct, in
    /// replica order. Replica `k` of partition `p` of topic `i` sits on broker `(i + p + k) mod B`,
    /// `k < min(RF, B)`, the first being the leader. A broker without a rack adds nothing (Kafka's
    /// assignors drop `Node.rack()` nulls). Without broker racks: none.
    pub fn replica_racks(&self, topic_index: usize, partition: i32) -> Vec<&str> {
        let brokers = self.broker_racks.len();
        let replicas = (self.replication_factor.max(1) as usize).min(brokers);
        let mut racks: Vec<&str> = Vec::with_capacity(replicas);
        for k in 0..replicas {
            let broker = (topic_index + partition as usize + k) % brokers;
            if let Some(rack) = self.broker_racks[broker].as_deref() {
                if !racks.contains(&rack) {
                    racks.push(rack);
                }
            }
        }
        racks
    }

    /// Index of a topic in the metadata (its position in `topics`).
    pub fn topic_index(&self, topic: &str) -> Option<usize> {
        self.topics.iter().position(|(name, _)| name == topic)
    }
}

/// Member id → assigned partitions, every member present, each list sorted.
pub type GroupAssignment = BTreeMap<String, Vec<TopicPartition>>;

/// An assignor call that gives no assignment, as Kafka's would not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AssignError {
    /// Kafka's assignor throws this (the leader's `poll()` raises it).
    Threw(String),
    /// Kafka's assignor never returns on this input: its balancing loop goes round a cycle of
    /// moves (see `sticky::general`). The leader's thread spins inside `poll()` for good.
    NeverReturns(String),
}

impl fmt::Display for AssignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AssignError::Threw(message) | AssignError::NeverReturns(message) => {
                f.write_str(message)
            }
        }
    }
}

impl std::error::Error for AssignError {}

/// Runs the named assignor as the group leader would.
pub fn assign(
    assignor: AssignorName,
    cluster: &ClusterMetadata,
    group: &GroupSubscription,
) -> Result<GroupAssignment, AssignError> {
    match assignor {
        AssignorName::Range => {
            let mut result = range::assign(cluster, group)?;
            for partitions in result.values_mut() {
                // The rack-aware pass gives partitions out of order. Equal partitions are
                // identical: no stability needed.
                if !partitions.is_sorted() {
                    partitions.sort_unstable();
                }
            }
            Ok(result)
        }
        // The round robin and sticky assignors sort their lists themselves.
        AssignorName::RoundRobin => roundrobin::assign(cluster, group),
        AssignorName::Sticky => sticky::assign(cluster, group, false),
        AssignorName::CooperativeSticky => sticky::assign(cluster, group, true),
    }
}

/// Member ordering shared by the client range and roundrobin assignors (`MemberInfo.compareTo`):
/// static members first by `group.instance.id`, then dynamic members by member id (Java `String` order).
pub fn member_sort_key(subscription: &Subscription) -> (bool, &str, &str) {
    match &subscription.group_instance_id {
        Some(instance) => (false, instance.as_str(), subscription.member_id.as_str()),
        None => (true, subscription.member_id.as_str(), ""),
    }
}

/// Compares two members as `MemberInfo.compareTo` does (see [`member_sort_key`]).
pub fn compare_members(a: &Subscription, b: &Subscription) -> std::cmp::Ordering {
    let (a_dynamic, a_first, a_second) = member_sort_key(a);
    let (b_dynamic, b_first, b_second) = member_sort_key(b);
    a_dynamic
        .cmp(&b_dynamic)
        .then_with(|| java_hash::compare_strings(a_first, b_first))
        .then_with(|| java_hash::compare_strings(a_second, b_second))
}

/// A member's `client.rack` as the leader sees it: `ConsumerProtocol` turns an empty rack into none.
pub fn member_rack(subscription: &Subscription) -> Option<&str> {
    subscription.rack.as_deref().filter(|rack| !rack.is_empty())
}

/// Builds the result from per-member lists of partitions, members in `group` order.
pub fn collect_assignment(
    group: &GroupSubscription,
    per_member: Vec<Vec<TopicPartition>>,
) -> GroupAssignment {
    group
        .members
        .iter()
        .map(|member| member.member_id.clone())
        .zip(per_member)
        .collect_sorted_map()
}

/// Indices of `group.members` in `MemberInfo` order (see [`compare_members`]).
pub fn sorted_member_indices(group: &GroupSubscription) -> Vec<usize> {
    let mut order: Vec<usize> = (0..group.members.len()).collect();
    if group.members.iter().all(|m| m.group_instance_id.is_none()) {
        // Dynamic members only: member-id order.
        java_hash::sort_by_java_string(&mut order, |m| &group.members[m].member_id);
    } else {
        sort::sort_by(&mut order, |&a, &b| {
            compare_members(&group.members[a], &group.members[b])
        });
    }
    order
}

/// Two members' lists of topic names are the same list. Members mostly share theirs, and the
/// names are short: compared inline, eight bytes at a time, rather than by a `memcmp` call each.
pub(crate) fn same_topic_list(a: &[String], b: &[String]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.len() == y.len() && java_hash::first_difference(x.as_bytes(), y.as_bytes()).is_none()
        })
}

/// The topics some member subscribes to that exist with at least one partition, by name, with their
/// partition count and metadata index (`partitionsPerTopic` of `AbstractPartitionAssignor`).
pub fn subscribed_topics(
    cluster: &ClusterMetadata,
    group: &GroupSubscription,
) -> Vec<(TopicName, i32, usize)> {
    let mut subscribed = vec![false; cluster.topics.len()];
    let by_name: Option<HashMap<&str, usize>> = (cluster.topics.len() > 8).then(|| {
        let mut map = HashMap::new();
        for (i, (name, _)) in cluster.topics.iter().enumerate() {
            map.entry(name.as_str()).or_insert(i);
        }
        map
    });
    let mut previous: Option<&[String]> = None;
    for member in &group.members {
        // Members mostly share their list of topics: look each list up once.
        if previous.is_some_and(|list| same_topic_list(list, &member.topics)) {
            continue;
        }
        previous = Some(&member.topics);
        for name in &member.topics {
            let index = match &by_name {
                Some(map) => map.get(name.as_str()).copied(),
                None => cluster.topic_index(name),
            };
            if let Some(i) = index {
                subscribed[i] = true;
            }
        }
    }
    let mut topics: Vec<usize> = (0..cluster.topics.len())
        .filter(|&i| subscribed[i] && cluster.topics[i].1 > 0)
        .collect();
    sort::sort_by(&mut topics, |&a, &b| {
        java_hash::compare_strings(&cluster.topics[a].0, &cluster.topics[b].0)
    });
    topics
        .into_iter()
        .map(|i| {
            let (name, count) = &cluster.topics[i];
            (TopicName::from(name), *count, i)
        })
        .collect()
}

/// `subscribes[m * topics.len() + t]`: member `m` (index into `group.members`) subscribes to the
/// `t`-th of `topics`.
pub fn subscription_matrix(
    group: &GroupSubscription,
    topics: &[(TopicName, i32, usize)],
) -> Vec<bool> {
    let width = topics.len();
    let by_name: Option<HashMap<&str, usize>> = (width > 8).then(|| {
        let mut map = HashMap::new();
        for (t, (name, _, _)) in topics.iter().enumerate() {
            map.entry(name.as_str()).or_insert(t);
        }
        map
    });
    let mut subscribes = vec![false; group.members.len() * width];
    let mut previous: Option<(&[String], usize)> = None;
    for (m, member) in group.members.iter().enumerate() {
        if let Some((list, row)) =
            previous.filter(|(list, _)| same_topic_list(list, &member.topics))
        {
            subscribes.copy_within(row * width..(row + 1) * width, m * width);
            previous = Some((list, m));
            continue;
        }
        for name in &member.topics {
            let index = match &by_name {
                Some(map) => map.get(name.as_str()).copied(),
                None => topics.iter().position(|(topic, _, _)| topic == name),
            };
            if let Some(t) = index {
                subscribes[m * width + t] = true;
            }
        }
        previous = Some((&member.topics, m));
    }
    subscribes
}
