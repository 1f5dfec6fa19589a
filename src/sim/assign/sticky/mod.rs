//! `StickyAssignor` (eager) and `CooperativeStickyAssignor`, i.e. Kafka's `AbstractStickyAssignor`.
//!
//! The assignment starts from what members owned before (claims resolved by generation), keeps it
//! as far as balance allows, and places the rest. Two builders exist, as in Kafka:
//! * `constrained` when every member subscribes to the same topics (quota-driven round robin);
//! * `general` otherwise (greedy placement, then a balancing loop with partition-movement memory).
//!
//! Everything is index-based: members are numbered in the iteration order of the leader's member
//! `HashMap` (Kafka iterates it, so that order decides ties), topics in name order, and a partition
//! is `offset(topic) + number`, which makes partition index order equal to (topic, partition) order.

mod constrained;
mod general;
mod movements;
mod rack;

use super::java_hash::{
    hash_map_order, sort_by_java_string, string_hash, topic_partition_hash, JavaHashTable,
};
use super::{
    same_topic_list, subscribed_topics, AssignError, ClusterMetadata, GroupAssignment,
    GroupSubscription, Subscription, TopicName, TopicPartition,
};
use crate::sim::sort::CollectSortedMap;
use rack::RackInfo;
use std::collections::HashMap;

/// Kafka's `DEFAULT_GENERATION`: no generation known.
const DEFAULT_GENERATION: i32 = -1;

/// Runs the sticky assignor; `cooperative` selects `CooperativeStickyAssignor`, which withholds the
/// partitions that must first be revoked by their current owner.
pub fn assign(
    cluster: &ClusterMetadata,
    group: &GroupSubscription,
    cooperative: bool,
) -> Result<GroupAssignment, AssignError> {
    if group.members.is_empty() {
        return Ok(GroupAssignment::new());
    }
    let ctx = Context::new(cluster, group, cooperative);
    let claims = ctx.resolve_claims();
    if claims.all_subscriptions_equal {
        let outcome = constrained::build(&ctx, claims.owned, &claims.flagged)?;
        let withheld = cooperative.then_some(&outcome.transferring[..]);
        Ok(ctx.to_group_assignment(|m| outcome.assignment.get(m), withheld))
    } else {
        let assignment = general::build(&ctx, claims.owned, claims.max_generation)?;
        let transferring = if cooperative {
            ctx.partitions_transferring_ownership(&assignment)
        } else {
            Vec::new()
        };
        let withheld = cooperative.then_some(&transferring[..]);
        Ok(ctx.to_group_assignment(|m| &assignment[m], withheld))
    }
}

/// A subscribed topic that exists (`partitionsPerTopic`), in name order.
struct Topic {
    name: TopicName,
    partitions: u32,
    /// Index of its first partition in the global partition numbering.
    offset: u32,
    /// Position in the cluster metadata (decides replica placement).
    metadata_index: usize,
}

/// What an assignor reads from a member's subscription (`MemberData`).
struct MemberData {
    /// Claimed partitions (as partition indices), in the order the subscription lists them.
    /// Partitions of topics outside `allTopics`, or beyond a topic's partition count, cannot be
    /// assigned and are left out: Kafka only ever looks them up.
    partitions: Vec<u32>,
    generation: Option<i32>,
}

/// The inputs, numbered.
struct Context<'a> {
    /// Members in the leader's `HashMap` iteration order.
    members: Vec<&'a Subscription>,
    /// Position of each member in member-id (Java `String`) order: the tie-break of Kafka's
    /// `SubscriptionComparator` and the order of the constrained builder's member lists.
    rank: Vec<u32>,
    /// The members in member-id order (`by_rank[rank[m]] == m`).
    by_rank: Vec<u32>,
    topics: Vec<Topic>,
    /// Topic of each partition index.
    topic_of: Vec<u32>,
    /// What each member claims (`memberData`: user data or owned partitions, and generation).
    member_data: Vec<MemberData>,
    /// `Subscription.generationId`, -1 when absent.
    subscription_generation: Vec<i32>,
    /// Each member's raw `ownedPartitions` (cooperative only), as partition indices.
    owned_partitions: Vec<Vec<u32>>,
    rack: RackInfo,
}

/// Outcome of `allSubscriptionsEqual`: claims resolved and the path decided.
struct Claims {
    all_subscriptions_equal: bool,
    /// Each member's still-valid claims, in claim order.
    owned: Vec<Vec<u32>>,
    /// Partitions claimed by two members of the same generation.
    flagged: Vec<bool>,
    max_generation: i32,
}

impl<'a> Context<'a> {
    fn new(cluster: &ClusterMetadata, group: &'a GroupSubscription, cooperative: bool) -> Self {
        let members = members_in_hash_map_order(group);
        let rank = ranks_by_member_id(&members);
        let mut by_rank = vec![0; members.len()];
        for (m, &r) in rank.iter().enumerate() {
            by_rank[r as usize] = m as u32;
        }

        let mut topics = Vec::new();
        let mut offset = 0;
        for (name, count, metadata_index) in subscribed_topics(cluster, group) {
            topics.push(Topic {
                name,
                partitions: count as u32,
                offset,
                metadata_index,
            });
            offset += count as u32;
        }
        let mut topic_of = Vec::with_capacity(offset as usize);
        for (t, topic) in topics.iter().enumerate() {
            topic_of.extend(std::iter::repeat_n(t as u32, topic.partitions as usize));
        }
        let topic_index: HashMap<&str, u32> = topics
            .iter()
            .enumerate()
            .map(|(t, topic)| (topic.name.as_str(), t as u32))
            .collect();
        let partition_index = |tp: &TopicPartition| -> Option<u32> {
            let t = *topic_index.get(tp.topic.as_str())?;
            let topic = &topics[t as usize];
            (tp.partition >= 0 && (tp.partition as u32) < topic.partitions)
                .then(|| topic.offset + tp.partition as u32)
        };

        let owned_partitions: Vec<Vec<u32>> = members
            .iter()
            .map(|m| {
                m.owned_partitions
                    .iter()
                    .filter_map(partition_index)
                    .collect()
            })
            .collect();
        let member_data = members
            .iter()
            .zip(&owned_partitions)
            .map(|(m, owned)| member_data(m, owned, cooperative, &partition_index))
            .collect();
        let subscription_generation = members
            .iter()
            .map(|m| m.generation.max(DEFAULT_GENERATION))
            .collect();
        let rack = RackInfo::new(cluster, &members, &topics);

        Self {
            members,
            rank,
            by_rank,
            topics,
            topic_of,
            member_data,
            subscription_generation,
            owned_partitions,
            rack,
        }
    }

    fn partition_count(&self) -> usize {
        self.topic_of.len()
    }

    /// Java `TopicPartition.hashCode` of each partition index (the general path needs them).
    fn partition_hashes(&self) -> Vec<i32> {
        let mut hashes = Vec::with_capacity(self.partition_count());
        for topic in &self.topics {
            let topic_hash = string_hash(&topic.name);
            hashes
                .extend((0..topic.partitions).map(|p| topic_partition_hash(topic_hash, p as i32)));
        }
        hashes
    }

    /// Each member's subscribed existing topics (topic indices, ascending; the general path).
    fn member_topics(&self) -> Vec<Vec<u32>> {
        let topic_index: HashMap<&str, u32> = self
            .topics
            .iter()
            .enumerate()
            .map(|(t, topic)| (topic.name.as_str(), t as u32))
            .collect();
        self.members
            .iter()
            .map(|m| {
                let mut ts: Vec<u32> = m
                    .topics
                    .iter()
                    .filter_map(|t| topic_index.get(t.as_str()).copied())
                    .collect();
                ts.sort_unstable();
                ts.dedup();
                ts
            })
            .collect()
    }

    fn topic_partition(&self, partition: u32) -> TopicPartition {
        let topic = &self.topics[self.topic_of[partition as usize] as usize];
        TopicPartition::new(&topic.name, (partition - topic.offset) as i32)
    }

    /// `allSubscriptionsEqual`: decides the path and resolves the claims. Each claim is compared
    /// with the partition's *last recorded* claimant: same generation → the partition is flagged and
    /// taken from both; higher → taken over; lower → ignored.
    fn resolve_claims(&self) -> Claims {
        let mut all_subscriptions_equal = true;
        let mut first_topics: Option<Vec<&str>> = None;
        let mut max_generation = DEFAULT_GENERATION;
        let mut owned: Vec<Vec<u32>> = vec![Vec::new(); self.members.len()];
        let mut flagged = vec![false; self.partition_count()];
        let mut last_claimant: Vec<Option<u32>> = vec![None; self.partition_count()];

        // The last raw list compared: members mostly repeat it, and an equal list is an equal set.
        let mut last_compared: Option<&[String]> = None;
        for (m, member) in self.members.iter().enumerate() {
            if all_subscriptions_equal
                && !last_compared.is_some_and(|list| same_topic_list(list, &member.topics))
            {
                let mut topics: Vec<&str> = member.topics.iter().map(String::as_str).collect();
                topics.sort_unstable();
                topics.dedup();
                // Members with no topic before the first non-empty subscription are not compared.
                match &first_topics {
                    None if !topics.is_empty() => {
                        first_topics = Some(topics);
                        last_compared = Some(&member.topics);
                    }
                    Some(first) if *first != topics => all_subscriptions_equal = false,
                    Some(_) => last_compared = Some(&member.topics),
                    None => {}
                }
            }

            let data = &self.member_data[m];
            let generation = data.generation.unwrap_or(DEFAULT_GENERATION);
            max_generation = max_generation.max(generation);
            for &p in &data.partitions {
                match last_claimant[p as usize] {
                    None => owned[m].push(p),
                    Some(other) => {
                        let other_generation = self.subscription_generation[other as usize];
                        if generation == other_generation {
                            flagged[p as usize] = true;
                            remove_value(&mut owned[other as usize], p);
                        } else if generation > other_generation {
                            owned[m].push(p);
                            remove_value(&mut owned[other as usize], p);
                        } else {
                            continue;
                        }
                    }
                }
                last_claimant[p as usize] = Some(m as u32);
            }
        }
        Claims {
            all_subscriptions_equal,
            owned,
            flagged,
            max_generation,
        }
    }

    /// `CooperativeStickyAssignor.computePartitionsTransferringOwnership` (general path): a partition
    /// assigned to a member that did not own it, while some member owned it and does not get it.
    fn partitions_transferring_ownership(&self, assignment: &[Vec<u32>]) -> Vec<bool> {
        let n = self.partition_count();
        let mut added = vec![false; n];
        let mut revoked = vec![false; n];
        let mut assigned_to: Vec<Option<u32>> = vec![None; n];
        for (m, partitions) in assignment.iter().enumerate() {
            for &p in partitions {
                assigned_to[p as usize] = Some(m as u32);
            }
        }
        let mut owned_by = vec![false; n];
        for (m, partitions) in assignment.iter().enumerate() {
            for &p in &self.owned_partitions[m] {
                owned_by[p as usize] = true;
                if assigned_to[p as usize] != Some(m as u32) {
                    revoked[p as usize] = true;
                }
            }
            for &p in partitions {
                if !owned_by[p as usize] {
                    added[p as usize] = true;
                }
            }
            for &p in &self.owned_partitions[m] {
                owned_by[p as usize] = false;
            }
        }
        added.iter().zip(&revoked).map(|(a, r)| *a && *r).collect()
    }

    /// Member id → partitions, leaving out (cooperative) the partitions still to be revoked. Each
    /// list is sorted as `TopicPartition`s order (topic name as Rust orders it, then partition).
    fn to_group_assignment<'p>(
        &self,
        partitions_of: impl Fn(usize) -> &'p [u32],
        withheld: Option<&[bool]>,
    ) -> GroupAssignment {
        // Partition index order is (topic, partition) order with topics in Java `String` order;
        // `TopicPartition` orders topic names as Rust `str`, which differs only for names outside
        // the characters Kafka allows in a topic's name: then the lists are sorted again.
        let rust_order = self.topics.windows(2).all(|w| w[0].name < w[1].name);
        let mut indices: Vec<u32> = Vec::new();
        // In member-id order, so that building the map finds its keys already sorted.
        self.by_rank
            .iter()
            .map(|&m| {
                let partitions = partitions_of(m as usize);
                let sorted = if withheld.is_none() && partitions.is_sorted() {
                    partitions
                } else {
                    indices.clear();
                    indices.extend(
                        partitions
                            .iter()
                            .filter(|&&p| !withheld.is_some_and(|w| w[p as usize])),
                    );
                    indices.sort_unstable();
                    &indices[..]
                };
                let mut list: Vec<TopicPartition> =
                    sorted.iter().map(|&p| self.topic_partition(p)).collect();
                if !rust_order {
                    list.sort_unstable();
                }
                (self.members[m as usize].member_id.clone(), list)
            })
            .collect_sorted_map()
    }
}

/// The subscriptions in the iteration order of the leader's `HashMap<String, Subscription>`.
fn members_in_hash_map_order(group: &GroupSubscription) -> Vec<&Subscription> {
    let mut table = JavaHashTable::new();
    let mut unique = true;
    for (i, m) in group.members.iter().enumerate() {
        unique &= table.insert(string_hash(&m.member_id), MemberKey(&m.member_id, i));
    }
    if unique {
        return table.iter().map(|k| &group.members[k.1]).collect();
    }
    // A repeated member id (never in a real group): the map keeps its first place, the last value.
    let by_id: HashMap<&str, &Subscription> = group
        .members
        .iter()
        .map(|m| (m.member_id.as_str(), m))
        .collect();
    hash_map_order(group.members.iter().map(|m| m.member_id.as_str()))
        .into_iter()
        .map(|id| by_id[id])
        .collect()
}

/// A member id with the member's position: equal when the ids are, as the map's keys.
struct MemberKey<'a>(&'a str, usize);

impl PartialEq for MemberKey<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

fn ranks_by_member_id(members: &[&Subscription]) -> Vec<u32> {
    let mut order: Vec<usize> = (0..members.len()).collect();
    sort_by_java_string(&mut order, |m| &members[m].member_id);
    let mut rank = vec![0; members.len()];
    for (position, m) in order.into_iter().enumerate() {
        rank[m] = position as u32;
    }
    rank
}

/// `memberData(subscription)`: the eager assignor reads its user data (the previous assignment and
/// its generation); the cooperative one reads `ownedPartitions` and `generationId`.
fn member_data(
    member: &Subscription,
    owned: &[u32],
    cooperative: bool,
    partition_index: &impl Fn(&TopicPartition) -> Option<u32>,
) -> MemberData {
    if cooperative {
        // Kafka falls back to the user data's generation when `generationId` is absent; that is
        // either absent or -1, which every later use treats alike.
        let mut partitions = owned.to_vec();
        partitions.sort_unstable(); // `ConsumerProtocol` sorts `ownedPartitions`.
        return MemberData {
            partitions,
            generation: (member.generation >= 0).then_some(member.generation),
        };
    }
    match &member.sticky_previous_assignment {
        Some(previous) => MemberData {
            partitions: previous.iter().filter_map(partition_index).collect(),
            generation: Some(member.generation),
        },
        None => MemberData {
            partitions: Vec::new(),
            generation: None,
        },
    }
}

/// `List.remove(Object)`: removes the first occurrence, if any.
fn remove_value(list: &mut Vec<u32>, value: u32) {
    if let Some(position) = list.iter().position(|&v| v == value) {
        list.remove(position);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cluster(topics: &[(&str, i32)]) -> ClusterMetadata {
        ClusterMetadata {
            topics: topics.iter().map(|(t, p)| (t.to_string(), *p)).collect(),
            ..Default::default()
        }
    }

    fn member(
        id: &str,
        topics: &[&str],
        owned: &[(&str, i32)],
        generation: i32,
        cooperative: bool,
    ) -> Subscription {
        let mut s = Subscription::new(id, topics.iter().map(|t| t.to_string()).collect());
        let owned: Vec<TopicPartition> = owned
            .iter()
            .map(|(t, p)| TopicPartition::new(*t, *p))
            .collect();
        s.generation = generation;
        if cooperative {
            s.owned_partitions = owned;
        } else if generation >= 0 || !owned.is_empty() {
            s.sticky_previous_assignment = Some(owned);
        }
        s
    }

    fn names(a: &GroupAssignment, m: &str) -> Vec<String> {
        a[m].iter().map(ToString::to_string).collect()
    }

    #[test]
    fn fresh_two_members_two_topics_interleave() {
        let group = GroupSubscription {
            members: vec![
                member("C0", &["t0", "t1"], &[], -1, false),
                member("C1", &["t0", "t1"], &[], -1, false),
            ],
        };
        let a = assign(&cluster(&[("t0", 3), ("t1", 3)]), &group, false).unwrap();
        assert_eq!(names(&a, "C0"), ["t0-0", "t0-2", "t1-1"]);
        assert_eq!(names(&a, "C1"), ["t0-1", "t1-0", "t1-2"]);
    }

    #[test]
    fn a_leaving_member_only_moves_its_own_partitions() {
        let c = cluster(&[("t0", 6)]);
        let group = GroupSubscription {
            members: vec![
                member("C0", &["t0"], &[("t0", 0), ("t0", 3)], 1, false),
                member("C2", &["t0"], &[("t0", 2), ("t0", 5)], 1, false),
            ],
        };
        let a = assign(&c, &group, false).unwrap();
        assert_eq!(names(&a, "C0"), ["t0-0", "t0-1", "t0-3"]);
        assert_eq!(names(&a, "C2"), ["t0-2", "t0-4", "t0-5"]);
    }

    #[test]
    fn cooperative_withholds_partitions_still_owned_elsewhere() {
        let c = cluster(&[("t0", 6)]);
        let group = GroupSubscription {
            members: vec![
                member("C0", &["t0"], &[("t0", 0), ("t0", 3)], 1, true),
                member("C1", &["t0"], &[("t0", 1), ("t0", 4)], 1, true),
                member("C2", &["t0"], &[("t0", 2), ("t0", 5)], 1, true),
                member("C3", &["t0"], &[], -1, true),
            ],
        };
        let a = assign(&c, &group, true).unwrap();
        let total: usize = a.values().map(Vec::len).sum();
        assert_eq!(
            total, 5,
            "one partition is withheld until its owner revokes it"
        );
        assert!(a["C3"].is_empty());
    }

    #[test]
    fn same_generation_double_claims_are_dropped() {
        let c = cluster(&[("t0", 2)]);
        let group = GroupSubscription {
            members: vec![
                member("C0", &["t0"], &[("t0", 0)], 3, true),
                member("C1", &["t0"], &[("t0", 0)], 3, true),
            ],
        };
        let a = assign(&c, &group, true).unwrap();
        // t0-0 is claimed twice in generation 3: it is reassigned but withheld this round.
        let total: usize = a.values().map(Vec::len).sum();
        assert_eq!(total, 1);
    }

    #[test]
    fn different_subscriptions_use_the_general_path() {
        let c = cluster(&[("t0", 2), ("t1", 4)]);
        let group = GroupSubscription {
            members: vec![
                member("C0", &["t0"], &[], -1, false),
                member("C1", &["t0", "t1"], &[], -1, false),
            ],
        };
        let a = assign(&c, &group, false).unwrap();
        assert_eq!(a["C0"].len() + a["C1"].len(), 6);
        assert!(a["C0"].iter().all(|tp| tp.topic == "t0"));
    }
}
