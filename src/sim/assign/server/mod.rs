//! KIP-848 server-side assignors of the group coordinator (`ConsumerGroupPartitionAssignor`):
//! `uniform` (the default) and `range`. They work on topic ids and a per-member current target
//! assignment instead of client subscriptions, so they take their own input, [`ServerGroupSpec`],
//! the counterpart of Kafka's `GroupSpec` plus `SubscribedTopicDescriber`.
//!
//! Hash order matters here: members iterate in the coordinator's `HashMap` order, a member's
//! topics in the order of its `HashSet<String>` of names, and the uniform assignor walks the
//! current assignment (`Map<Uuid, Set<Integer>>`) in its hash order. All of it goes through
//! [`JavaHashTable`].

mod range;
mod uniform;

use super::java_hash::{string_hash, JavaHash, JavaHashTable, DEFAULT_CAPACITY};
use super::{AssignError, GroupAssignment, TopicName, TopicPartition};
use crate::sim::sort::{self, CollectBTree};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;

/// The server-side assignors, by the names `group.consumer.assignors` uses.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum ServerAssignorName {
    Uniform,
    Range,
}

impl ServerAssignorName {
    pub const ALL: [ServerAssignorName; 2] =
        [ServerAssignorName::Uniform, ServerAssignorName::Range];

    pub fn name(self) -> &'static str {
        match self {
            ServerAssignorName::Uniform => "uniform",
            ServerAssignorName::Range => "range",
        }
    }

    /// The assignor with this name (as `group.remote.assignor` and `group.consumer.assignors` write it).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }
}

impl fmt::Display for ServerAssignorName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A Kafka `Uuid` (topic id): 16 bytes, as two big-endian halves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TopicId {
    pub most_significant_bits: i64,
    pub least_significant_bits: i64,
}

impl TopicId {
    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        let (msb, lsb) = bytes.split_at(8);
        Self {
            most_significant_bits: i64::from_be_bytes(msb.try_into().expect("8 bytes")),
            least_significant_bits: i64::from_be_bytes(lsb.try_into().expect("8 bytes")),
        }
    }

    pub fn to_bytes(self) -> [u8; 16] {
        let mut bytes = [0; 16];
        bytes[..8].copy_from_slice(&self.most_significant_bits.to_be_bytes());
        bytes[8..].copy_from_slice(&self.least_significant_bits.to_be_bytes());
        bytes
    }

    /// `Uuid.fromString`: URL-safe base64 of the 16 bytes, without padding.
    pub fn parse(text: &str) -> Result<Self, String> {
        let bytes = decode_base64_url(text).ok_or_else(|| format!("invalid topic id '{text}'"))?;
        let bytes: [u8; 16] = bytes
            .try_into()
            .map_err(|_| format!("topic id '{text}' is not 16 bytes"))?;
        Ok(Self::from_bytes(bytes))
    }
}

impl fmt::Display for TopicId {
    /// `Uuid.toString`: URL-safe base64 without padding.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&encode_base64_url(&self.to_bytes()))
    }
}

/// `Uuid.hashCode`: the two halves of `msb ^ lsb` xor-ed together.
impl JavaHash for TopicId {
    fn java_hash(&self) -> i32 {
        let x = self.most_significant_bits ^ self.least_significant_bits;
        ((x >> 32) as i32) ^ (x as i32)
    }
}

/// `Uuid.compareTo`: `msb`, then `lsb`, each as a signed 64-bit number.
impl Ord for TopicId {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.most_significant_bits, self.least_significant_bits)
            .cmp(&(other.most_significant_bits, other.least_significant_bits))
    }
}

impl PartialOrd for TopicId {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A topic of the metadata image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerTopic {
    pub name: String,
    pub id: TopicId,
    pub partitions: i32,
}

/// How each member's current target assignment (`Map<Uuid, Set<Integer>>`) was built, which decides
/// the order the uniform assignor walks it in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum AssignmentFill {
    /// A live coordinator (`Assignment.fromRecord`): topics added with `putIfAbsent` (tail of the
    /// bucket, immediate resize), each partition set copied from the record's list.
    #[default]
    FromRecord,
    /// The conformance oracle: `computeIfAbsent(topicId, new HashSet).add(partition)` over the
    /// owned list (a new topic at the head of its bucket, lazy resize).
    ComputeIfAbsent,
}

/// One member as the coordinator's `GroupSpec` holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerMember {
    pub member_id: String,
    /// `group.instance.id`: the server range assignor sorts static members first.
    pub instance_id: Option<String>,
    /// `client.rack`: carried for completeness; the 4.1.2 server assignors ignore racks.
    pub rack: Option<String>,
    /// Subscribed topic names, in the order of the member's request (they fill a `HashSet`).
    pub subscribed_topic_names: Vec<String>,
    /// Current target assignment, (topic id, partition) in record / owned-list order. Ids of
    /// deleted topics may appear.
    pub assignment: Vec<(TopicId, i32)>,
}

/// Input of a server-side assignor: members in the order they filled the coordinator's member
/// `HashMap`, and the topics of the metadata image.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerGroupSpec {
    pub members: Vec<ServerMember>,
    pub topics: Vec<ServerTopic>,
    pub assignment_fill: AssignmentFill,
}

/// Runs a server-side assignor. Every member is present in the result.
pub fn assign(
    assignor: ServerAssignorName,
    spec: &ServerGroupSpec,
) -> Result<GroupAssignment, AssignError> {
    compute(assignor, spec).map(|a| a.to_group_assignment(spec))
}

/// Runs a server-side assignor and keeps its answer as it computed it (as Kafka's assignors answer
/// with a `Map<Uuid, Set<Integer>>` per member): [`ServerAssignment::to_group_assignment`] turns
/// it into sorted partition lists.
pub fn compute(
    assignor: ServerAssignorName,
    spec: &ServerGroupSpec,
) -> Result<ServerAssignment, AssignError> {
    compute_planned(assignor, spec, &GroupPlan::new(spec))
}

/// [`compute`] over a plan made beforehand, as Kafka's coordinator builds its `GroupSpecImpl`
/// (members map, resolved subscriptions, subscription type, current assignments) before the
/// assignor runs: benchmarks time this call alone.
pub fn compute_planned(
    assignor: ServerAssignorName,
    spec: &ServerGroupSpec,
    plan: &GroupPlan,
) -> Result<ServerAssignment, AssignError> {
    let group = Group::new(spec, plan);
    match assignor {
        ServerAssignorName::Uniform => {
            let owners = uniform::assign(&group)?;
            let mut result = ServerAssignment::default();
            for (m, partitions) in owners.iter().enumerate() {
                result.push(plan.member_index[m], partitions);
            }
            Ok(result)
        }
        ServerAssignorName::Range => range::assign(&group),
    }
}

/// A server-side assignor's answer: each member's partitions as (topic index into the spec's
/// topics, partition), one block per member, in one vector.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerAssignment {
    /// Each block's member (index into the spec's members).
    pub members: Vec<usize>,
    /// Where each block ends in `partitions`.
    pub ends: Vec<usize>,
    pub partitions: Vec<(usize, i32)>,
}

impl ServerAssignment {
    /// Adds the member's block.
    fn push(&mut self, member: usize, partitions: &[(usize, i32)]) {
        self.partitions.extend_from_slice(partitions);
        self.members.push(member);
        self.ends.push(self.partitions.len());
    }

    /// The partitions of the `block`-th member listed.
    pub fn block(&self, block: usize) -> &[(usize, i32)] {
        let start = if block == 0 { 0 } else { self.ends[block - 1] };
        &self.partitions[start..self.ends[block]]
    }

    /// Member id → its partitions sorted by topic name then number.
    pub fn to_group_assignment(&self, spec: &ServerGroupSpec) -> GroupAssignment {
        let topics = &spec.topics;
        let names: Vec<TopicName> = topics.iter().map(|t| TopicName::from(&t.name)).collect();
        // Lists sort by topic name, then partition: rank the topics by name once.
        let mut by_name: Vec<usize> = (0..topics.len()).collect();
        sort::sort_by(&mut by_name, |&a, &b| topics[a].name.cmp(&topics[b].name));
        let mut rank = vec![0; topics.len()];
        for (r, &t) in by_name.iter().enumerate() {
            rank[t] = r;
        }
        let mut keys: Vec<(usize, i32)> = Vec::new();
        self.members
            .iter()
            .enumerate()
            .map(|(block, &member)| {
                let partitions = self.block(block);
                keys.clear();
                keys.extend(partitions.iter().map(|&(t, p)| (rank[t], p)));
                keys.sort_unstable();
                let list = keys
                    .iter()
                    .map(|&(r, p)| TopicPartition::new(&names[by_name[r]], p))
                    .collect();
                (spec.members[member].member_id.clone(), list)
            })
            .collect_map()
    }
}

/// The spec, numbered once (the counterpart of Kafka's `GroupSpecImpl`): members in `HashMap`
/// order, topics by index into `spec.topics`, each member's current assignment in Java order.
pub struct GroupPlan {
    /// Where each member, in the coordinator's `HashMap` order, is in `spec.members`.
    member_index: Vec<usize>,
    /// Each member's subscribed topics that resolve in the image, in `TopicIds` iteration order.
    subscribed: Vec<Vec<usize>>,
    /// Size of each member's set of subscribed names (resolvable or not).
    subscribed_name_count: Vec<usize>,
    homogeneous: bool,
    /// Each member's current assignment in Java iteration order.
    current: Vec<CurrentAssignment>,
}

/// The spec and its plan, with members in map order: what the assignors read.
struct Group<'a> {
    spec: &'a ServerGroupSpec,
    /// Members in the coordinator's `HashMap` order; "member index" means a position here.
    members: Vec<&'a ServerMember>,
    /// Where each of them is in `spec.members`.
    member_index: &'a [usize],
    subscribed: &'a [Vec<usize>],
    subscribed_name_count: &'a [usize],
    homogeneous: bool,
    current: &'a [CurrentAssignment],
}

impl<'a> Group<'a> {
    fn new(spec: &'a ServerGroupSpec, plan: &'a GroupPlan) -> Self {
        Group {
            spec,
            members: plan
                .member_index
                .iter()
                .map(|&i| &spec.members[i])
                .collect(),
            member_index: &plan.member_index,
            subscribed: &plan.subscribed,
            subscribed_name_count: &plan.subscribed_name_count,
            homogeneous: plan.homogeneous,
            current: &plan.current,
        }
    }

    fn member_count(&self) -> usize {
        self.members.len()
    }
}

/// Partitions assigned to each member (member index), as (topic index, partition).
type Owners = Vec<Vec<(usize, i32)>>;

/// A member's current assignment in Java iteration order: its topics, each with its partitions
/// (each partition once, as in a `Set`).
struct CurrentAssignment {
    /// Topic id, its index in the image (`None`: deleted) and the range of `partitions` holding
    /// its partitions.
    topics: Vec<(TopicId, Option<usize>, usize, usize)>,
    partitions: Vec<i32>,
}

impl CurrentAssignment {
    /// Topic index (`None` for a deleted topic) and partitions, in Java iteration order.
    fn iter(&self) -> impl Iterator<Item = (Option<usize>, &[i32])> {
        self.topics
            .iter()
            .map(|&(_, t, start, end)| (t, &self.partitions[start..end]))
    }
}

impl GroupPlan {
    pub fn new(spec: &ServerGroupSpec) -> Self {
        let member_index = member_map_order(spec);
        let members: Vec<&ServerMember> = member_index.iter().map(|&i| &spec.members[i]).collect();
        let topic_by_name: HashMap<&str, usize> = spec
            .topics
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name.as_str(), i))
            .collect();
        let topic_by_id: HashMap<TopicId, usize> = spec
            .topics
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id, i))
            .collect();

        let mut subscribed = Vec::with_capacity(members.len());
        let mut subscribed_name_count = Vec::with_capacity(members.len());
        let mut names = JavaHashTable::new();
        for member in &members {
            // `new HashSet<>(subscribedTopicList)`, then resolved name by name (`TopicIds`).
            names.reset_for_copy_of(member.subscribed_topic_names.len());
            for name in &member.subscribed_topic_names {
                names.insert(string_hash(name), name.as_str());
            }
            subscribed_name_count.push(names.len());
            subscribed.push(
                names
                    .iter()
                    .filter_map(|n| topic_by_name.get(n).copied())
                    .collect(),
            );
        }
        let homogeneous = is_homogeneous(&members);
        let mut topics = JavaHashTable::new();
        let mut partitions = JavaHashTable::new();
        let current = members
            .iter()
            .map(|m| {
                let mut current = current_assignment_order(
                    &m.assignment,
                    spec.assignment_fill,
                    &mut topics,
                    &mut partitions,
                );
                for (id, index, _, _) in &mut current.topics {
                    *index = topic_by_id.get(id).copied();
                }
                current
            })
            .collect();
        Self {
            member_index,
            subscribed,
            subscribed_name_count,
            homogeneous,
            current,
        }
    }
}

/// Members (indices into `spec.members`) in the iteration order of the coordinator's
/// `HashMap<String, …>`.
fn member_map_order(spec: &ServerGroupSpec) -> Vec<usize> {
    let mut table = JavaHashTable::new();
    for (i, member) in spec.members.iter().enumerate() {
        table.insert(
            string_hash(&member.member_id),
            (member.member_id.as_str(), i),
        );
    }
    table.iter().map(|&(_, i)| i).collect()
}

/// `HOMOGENEOUS` iff every subscribed topic name is subscribed by every member.
fn is_homogeneous(members: &[&ServerMember]) -> bool {
    let Some(first) = members.first() else {
        return true;
    };
    let first = name_set(first);
    members.iter().all(|m| name_set(m) == first)
}

fn name_set(member: &ServerMember) -> Vec<&str> {
    let mut names: Vec<&str> = member
        .subscribed_topic_names
        .iter()
        .map(String::as_str)
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// A member's current assignment walked as Java iterates the `Map<Uuid, Set<Integer>>` built the
/// way `fill` says. The two tables are scratch space, reset here.
fn current_assignment_order(
    owned: &[(TopicId, i32)],
    fill: AssignmentFill,
    topics: &mut JavaHashTable<TopicId>,
    partitions: &mut JavaHashTable<i32>,
) -> CurrentAssignment {
    topics.reset(DEFAULT_CAPACITY);
    for &(topic, _) in owned {
        match fill {
            AssignmentFill::ComputeIfAbsent => topics.compute_if_absent(topic.java_hash(), topic),
            AssignmentFill::FromRecord => topics.insert(topic.java_hash(), topic),
        };
    }
    let mut out = CurrentAssignment {
        topics: Vec::with_capacity(topics.len()),
        partitions: Vec::with_capacity(owned.len()),
    };
    for &topic in topics.iter() {
        let of_topic = || {
            owned
                .iter()
                .filter(move |(t, _)| *t == topic)
                .map(|&(_, p)| p)
        };
        match fill {
            AssignmentFill::ComputeIfAbsent => partitions.reset(DEFAULT_CAPACITY),
            AssignmentFill::FromRecord => partitions.reset_for_copy_of(of_topic().count()),
        }
        for p in of_topic() {
            partitions.insert(p, p);
        }
        let start = out.partitions.len();
        out.partitions.extend(partitions.iter().copied());
        out.topics.push((topic, None, start, out.partitions.len()));
    }
    out
}

const BASE64_URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn encode_base64_url(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let mut buffer = [0u8; 3];
        buffer[..chunk.len()].copy_from_slice(chunk);
        let n = u32::from(buffer[0]) << 16 | u32::from(buffer[1]) << 8 | u32::from(buffer[2]);
        for i in 0..=chunk.len() {
            out.push(BASE64_URL[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

fn decode_base64_url(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    let mut bits = 0u32;
    let mut bit_count = 0;
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for c in text.bytes() {
        let value = BASE64_URL.iter().position(|&b| b == c)? as u32;
        bits = bits << 6 | value;
        bit_count += 6;
        if bit_count >= 8 {
            bit_count -= 8;
            out.push((bits >> bit_count) as u8);
            bits &= (1 << bit_count) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topic(name: &str, byte: u8, partitions: i32) -> ServerTopic {
        ServerTopic {
            name: name.into(),
            id: TopicId::from_bytes([byte; 16]),
            partitions,
        }
    }

    fn member(id: &str, topics: &[&str], assignment: &[(TopicId, i32)]) -> ServerMember {
        ServerMember {
            member_id: id.into(),
            instance_id: None,
            rack: None,
            subscribed_topic_names: topics.iter().map(|t| t.to_string()).collect(),
            assignment: assignment.to_vec(),
        }
    }

    fn partitions(a: &GroupAssignment, m: &str) -> Vec<String> {
        a[m].iter().map(ToString::to_string).collect()
    }

    #[test]
    fn server_range_puts_static_members_first_and_is_not_sticky() {
        let t0 = topic("t0", 1, 5);
        let mut b = member("b", &["t0"], &[]);
        b.instance_id = Some("z-instance".into());
        let spec = ServerGroupSpec {
            members: vec![member("a", &["t0"], &[(t0.id, 4)]), b],
            topics: vec![t0],
            assignment_fill: AssignmentFill::FromRecord,
        };
        let a = assign(ServerAssignorName::Range, &spec).unwrap();
        assert_eq!(partitions(&a, "b"), ["t0-0", "t0-1", "t0-2"]);
        assert_eq!(partitions(&a, "a"), ["t0-3", "t0-4"]);
    }

    #[test]
    fn uniform_homogeneous_keeps_a_balanced_assignment() {
        let t0 = topic("t0", 7, 4);
        let id = t0.id;
        let spec = ServerGroupSpec {
            members: vec![
                member("a", &["t0"], &[(id, 1), (id, 3)]),
                member("b", &["t0"], &[(id, 0), (id, 2)]),
            ],
            topics: vec![t0],
            assignment_fill: AssignmentFill::ComputeIfAbsent,
        };
        let a = assign(ServerAssignorName::Uniform, &spec).unwrap();
        assert_eq!(partitions(&a, "a"), ["t0-1", "t0-3"]);
        assert_eq!(partitions(&a, "b"), ["t0-0", "t0-2"]);
    }

    #[test]
    fn uniform_homogeneous_fresh_group_gets_blocks() {
        let spec = ServerGroupSpec {
            members: vec![
                member("a", &["t0"], &[]),
                member("b", &["t0"], &[]),
                member("c", &["t0"], &[]),
            ],
            topics: vec![topic("t0", 3, 7)],
            assignment_fill: AssignmentFill::FromRecord,
        };
        let a = assign(ServerAssignorName::Uniform, &spec).unwrap();
        let sizes: Vec<usize> = a.values().map(Vec::len).collect();
        assert_eq!(sizes.iter().sum::<usize>(), 7);
        assert!(sizes.iter().all(|&n| n == 2 || n == 3));
    }

    #[test]
    fn uniform_heterogeneous_balances_shared_topics() {
        let spec = ServerGroupSpec {
            members: vec![member("a", &["t0", "t1"], &[]), member("b", &["t1"], &[])],
            topics: vec![topic("t0", 1, 2), topic("t1", 2, 4)],
            assignment_fill: AssignmentFill::FromRecord,
        };
        let a = assign(ServerAssignorName::Uniform, &spec).unwrap();
        assert_eq!(a["a"].len(), 3);
        assert_eq!(a["b"].len(), 3);
        assert!(a["b"].iter().all(|tp| tp.topic == "t1"));
    }

    #[test]
    fn computed_and_recorded_assignments_can_iterate_differently() {
        // Two topic ids in the same bucket: `computeIfAbsent` puts the later one first.
        let first = TopicId::from_bytes([0; 16]);
        let mut bytes = [0u8; 16];
        bytes[15] = 16;
        let second = TopicId::from_bytes(bytes);
        let owned = [(first, 0), (second, 0)];
        let (mut topics, mut partitions) = (JavaHashTable::new(), JavaHashTable::new());
        let order = |fill, topics: &mut _, partitions: &mut _| {
            current_assignment_order(&owned, fill, topics, partitions).topics[0].0
        };
        let computed = order(
            AssignmentFill::ComputeIfAbsent,
            &mut topics,
            &mut partitions,
        );
        let recorded = order(AssignmentFill::FromRecord, &mut topics, &mut partitions);
        assert_eq!(computed, second);
        assert_eq!(recorded, first);
    }

    #[test]
    fn topic_ids_round_trip_through_base64() {
        let id = TopicId::parse("Qz2mgOhcjRWx8oWpP_JOZQ").unwrap();
        assert_eq!(id.to_string(), "Qz2mgOhcjRWx8oWpP_JOZQ");
        assert!(TopicId::parse("not base64!").is_err());
        assert!(TopicId::parse("AAAA").is_err());
    }

    #[test]
    fn uuid_hash_and_order_follow_the_jdk() {
        let id = TopicId {
            most_significant_bits: 0x0000_0001_0000_0002,
            least_significant_bits: 0x0000_0004_0000_0008,
        };
        // x = 0x00000005_0000000A → 5 ^ 10.
        assert_eq!(id.java_hash(), 15);
        let negative = TopicId {
            most_significant_bits: -1,
            least_significant_bits: 0,
        };
        assert!(negative < id, "signed comparison of the high half");
    }
}
