//! `UniformAssignor` (KIP-848's default server assignor), 4.1.2 including KAFKA-18688.
//! * Homogeneous subscriptions (`UniformHomogeneousAssignmentBuilder`): members keep their current
//!   partitions up to a quota, in the hash order of their current assignment; the rest goes in
//!   blocks to the members below quota.
//! * Heterogeneous ones (`UniformHeterogeneousAssignmentBuilder`): members keep everything they
//!   still subscribe to, new partitions go to the least-loaded subscriber topic by topic, then a
//!   bounded balancing pass moves partitions from the most to the least loaded subscribers.

use super::{CurrentAssignment, Group, Owners};
use crate::sim::assign::java_hash::{JavaHash, JavaHashTable};
use crate::sim::assign::AssignError;
use crate::sim::sort;
use std::cmp::Ordering;

pub(super) fn assign(group: &Group) -> Result<Owners, AssignError> {
    let empty: Owners = vec![Vec::new(); group.member_count()];
    if group.member_count() == 0 {
        return Ok(empty);
    }
    if group.homogeneous {
        Homogeneous::new(group, empty).build()
    } else {
        Heterogeneous::new(group, empty).build()
    }
}

fn unassigned_left_error() -> AssignError {
    AssignError::Threw("PartitionAssignorException: Partitions were left unassigned".into())
}

struct Homogeneous<'g, 'a> {
    group: &'g Group<'a>,
    current: &'g [CurrentAssignment],
    /// `subscribedTopicIds`: the first member's topics copied into a `HashSet<Uuid>`, in its order.
    topics: Vec<usize>,
    owners: Owners,
    unassigned: Vec<(usize, i32)>,
    unfilled: Vec<(usize, usize)>,
}

impl<'g, 'a> Homogeneous<'g, 'a> {
    fn new(group: &'g Group<'a>, owners: Owners) -> Self {
        // The copy is sized from the count of subscribed *names*, unresolvable ones included.
        let mut ids = JavaHashTable::sized_for_copy_of(group.subscribed_name_count[0]);
        for &t in &group.subscribed[0] {
            ids.insert(group.spec.topics[t].id.java_hash(), t);
        }
        Self {
            group,
            current: group.current,
            topics: ids.iter().copied().collect(),
            owners,
            unassigned: Vec::new(),
            unfilled: Vec::new(),
        }
    }

    fn build(mut self) -> Result<Owners, AssignError> {
        if self.topics.is_empty() {
            return Ok(self.owners);
        }
        let spec = self.group.spec;
        // `groupSpec.isPartitionAssigned`: in anybody's current assignment.
        let mut assigned: Vec<Vec<bool>> = vec![Vec::new(); spec.topics.len()];
        for &t in &self.topics {
            assigned[t] = vec![false; spec.topics[t].partitions.max(0) as usize];
        }
        for current in self.current {
            for (t, partitions) in current.iter() {
                let Some(flags) = t.map(|t| &mut assigned[t]) else {
                    continue;
                };
                for &p in partitions {
                    if let Some(flag) = usize::try_from(p).ok().and_then(|p| flags.get_mut(p)) {
                        *flag = true;
                    }
                }
            }
        }
        let mut total = 0usize;
        for &t in &self.topics {
            let count = spec.topics[t].partitions;
            let flags = &assigned[t];
            self.unassigned
                .extend((0..count).filter(|&p| !flags[p as usize]).map(|p| (t, p)));
            total += count as usize;
        }
        let members = self.group.member_count();
        self.maybe_revoke_partitions(total / members, total % members);
        self.assign_remaining_partitions()?;
        Ok(self.owners)
    }

    /// Each member, in map order, keeps its current partitions of subscribed topics up to its quota
    /// (`min`, or `min + 1` while members with an extra partition are still expected).
    fn maybe_revoke_partitions(&mut self, minimum_quota: usize, mut remaining_extra: usize) {
        let group = self.group;
        let members = group.member_count();
        for (index, current) in self.current.iter().enumerate() {
            let mut quota = minimum_quota;
            let mut has_extra = false;
            if remaining_extra > 0 {
                quota += 1;
                has_extra = true;
            }
            for (t, partitions) in current.iter() {
                let Some(t) = t else {
                    continue; // A deleted topic: dropped.
                };
                if !self.topics.contains(&t) {
                    continue;
                }
                if partitions.len() <= quota {
                    quota -= partitions.len();
                    self.owners[index].extend(partitions.iter().map(|&p| (t, p)));
                } else {
                    for &p in partitions {
                        if quota > 0 {
                            quota -= 1;
                            self.owners[index].push((t, p));
                        } else {
                            self.unassigned.push((t, p));
                        }
                    }
                }
            }
            // A member that cannot take its extra partition leaves it to a later one, as long as
            // enough members remain to take all the extras.
            if quota > 0 && has_extra && members - index > remaining_extra {
                quota -= 1;
                has_extra = false;
            }
            if quota > 0 {
                self.unfilled.push((index, quota));
            }
            if has_extra {
                remaining_extra -= 1;
            }
        }
    }

    fn assign_remaining_partitions(&mut self) -> Result<(), AssignError> {
        let mut next = 0;
        for &(member, quota) in &self.unfilled {
            for _ in 0..quota {
                let Some(&(t, p)) = self.unassigned.get(next) else {
                    break;
                };
                next += 1;
                self.owners[member].push((t, p));
            }
        }
        if next < self.unassigned.len() {
            return Err(unassigned_left_error());
        }
        Ok(())
    }
}

/// Kafka's limit on balancing rounds over all topics.
const MAX_ITERATION_COUNT: usize = 16;

struct Heterogeneous<'g, 'a> {
    group: &'g Group<'a>,
    /// Subscribed topics (indices into the image), ascending.
    topics: Vec<usize>,
    /// `topicSubscribers`, by topic index: member indices, ascending (empty: nobody).
    subscribers: Vec<Vec<usize>>,
    /// `memberTargetAssignmentSizes`.
    sizes: Vec<i32>,
    /// `targetAssignmentPartitionOwners`, by topic index: member index or -1, per partition
    /// (empty for a topic nobody subscribes to).
    partition_owners: Vec<Vec<i32>>,
    owners: Owners,
}

impl<'g, 'a> Heterogeneous<'g, 'a> {
    fn new(group: &'g Group<'a>, owners: Owners) -> Self {
        let topic_count = group.spec.topics.len();
        let mut subscribers: Vec<Vec<usize>> = vec![Vec::new(); topic_count];
        for (member, topics) in group.subscribed.iter().enumerate() {
            for &t in topics {
                subscribers[t].push(member);
            }
        }
        let topics: Vec<usize> = (0..topic_count)
            .filter(|&t| !subscribers[t].is_empty())
            .collect();
        let mut partition_owners = vec![Vec::new(); topic_count];
        for &t in &topics {
            partition_owners[t] = vec![-1; group.spec.topics[t].partitions.max(0) as usize];
        }
        Self {
            group,
            topics,
            subscribers,
            sizes: vec![0; group.member_count()],
            partition_owners,
            owners,
        }
    }

    fn build(mut self) -> Result<Owners, AssignError> {
        if self.topics.is_empty() {
            return Ok(self.owners);
        }
        self.maybe_revoke_partitions()?;
        let unassigned = self.compute_unassigned_partitions();
        self.assign_remaining_partitions(unassigned);
        self.balance();
        let mut owners = self.owners;
        for (t, partition_owners) in self.partition_owners.iter().enumerate() {
            for (p, &member) in partition_owners.iter().enumerate() {
                if member >= 0 {
                    owners[member as usize].push((t, p as i32));
                }
            }
        }
        Ok(owners)
    }

    /// Members keep every current partition of a topic they still subscribe to. Nothing here
    /// depends on the order of the current assignment (a partition listed twice by one member
    /// counts once, as in its `Set`).
    fn maybe_revoke_partitions(&mut self) -> Result<(), AssignError> {
        let group = self.group;
        for (member, current) in group.current.iter().enumerate() {
            for (t, partitions) in current.iter() {
                let Some(t) = t else {
                    continue;
                };
                if !group.subscribed[member].contains(&t) {
                    continue;
                }
                let owners = &mut self.partition_owners[t];
                for &p in partitions {
                    // Kafka indexes an array sized by the partition count here.
                    let slot = usize::try_from(p)
                        .ok()
                        .and_then(|p| owners.get_mut(p))
                        .ok_or_else(|| {
                            AssignError::Threw(
                                "ArrayIndexOutOfBoundsException: a current partition is outside its topic"
                                    .into(),
                            )
                        })?;
                    if *slot != member as i32 {
                        *slot = member as i32;
                        self.sizes[member] += 1;
                    }
                }
            }
        }
        Ok(())
    }

    fn compute_unassigned_partitions(&self) -> Vec<(usize, Vec<i32>)> {
        self.topics
            .iter()
            .map(|&t| {
                let owners = &self.partition_owners[t];
                let free = (0..owners.len() as i32)
                    .filter(|&p| owners[p as usize] == -1)
                    .collect();
                (t, free)
            })
            .filter(|(_, free): &(usize, Vec<i32>)| !free.is_empty())
            .collect()
    }

    /// Topics by partitions per subscriber (descending), subscriber count, then topic id.
    fn sort_topics(&self, topics: &mut [usize]) {
        let spec = self.group.spec;
        let key = |t: usize| {
            let subscribers = self.subscribers[t].len();
            (
                f64::from(spec.topics[t].partitions) / subscribers as f64,
                subscribers,
            )
        };
        sort::sort_by(topics, |&a, &b| {
            let (ratio_a, subs_a) = key(a);
            let (ratio_b, subs_b) = key(b);
            ratio_b
                .partial_cmp(&ratio_a)
                .unwrap_or(Ordering::Equal)
                .then(subs_a.cmp(&subs_b))
                .then(spec.topics[a].id.cmp(&spec.topics[b].id))
        });
    }

    fn assign_remaining_partitions(&mut self, unassigned: Vec<(usize, Vec<i32>)>) {
        let mut order: Vec<usize> = unassigned.iter().map(|(t, _)| *t).collect();
        self.sort_topics(&mut order);
        let mut balancer = Balancer::default();
        for t in order {
            balancer.initialize(&self.subscribers[t], &self.sizes);
            let free = &unassigned.iter().find(|(u, _)| *u == t).expect("listed").1;
            for &p in free {
                let member = balancer.next_least_loaded_member(&self.sizes);
                self.assign_partition(t, p, member);
            }
        }
    }

    fn assign_partition(&mut self, topic: usize, partition: i32, member: usize) {
        let owners = &mut self.partition_owners[topic];
        let old = owners[partition as usize];
        if old != -1 {
            self.sizes[old as usize] -= 1;
        }
        owners[partition as usize] = member as i32;
        self.sizes[member] += 1;
    }

    /// Balances the topics with two or more subscribers, round after round, until a full round
    /// moves nothing (or `MAX_ITERATION_COUNT` rounds).
    fn balance(&mut self) {
        let mut topics: Vec<usize> = self
            .topics
            .iter()
            .copied()
            .filter(|&t| self.subscribers[t].len() >= 2)
            .collect();
        if topics.is_empty() {
            return;
        }
        self.sort_topics(&mut topics);
        let mut last_rebalanced: Option<usize> = None;
        let mut balancer = Balancer::default();
        for _ in 0..MAX_ITERATION_COUNT {
            for (index, &t) in topics.iter().enumerate() {
                if last_rebalanced == Some(index) {
                    return;
                }
                let moved = self.balance_topic(t, &mut balancer);
                if moved > 0 || last_rebalanced.is_none() {
                    last_rebalanced = Some(index);
                }
            }
        }
    }

    /// Moves partitions of one topic from its most to its least loaded subscribers: each time the
    /// highest partition of the first most-loaded member that still has one.
    fn balance_topic(&mut self, topic: usize, balancer: &mut Balancer) -> usize {
        if balancer.initialize(&self.subscribers[topic], &self.sizes) <= 1 {
            return 0;
        }
        // Partitions grouped by owner (ascending), each group ascending: `start[owner + 1]..end[owner + 1]`.
        let owners = &self.partition_owners[topic];
        let mut start = vec![0usize; self.sizes.len() + 1];
        for &owner in owners {
            start[(owner + 1) as usize] += 1;
        }
        let mut sum = 0;
        for slot in &mut start {
            let count = *slot;
            *slot = sum;
            sum += count;
        }
        let mut end = start.clone();
        let mut partitions = vec![0i32; owners.len()];
        for (p, &owner) in owners.iter().enumerate() {
            let slot = &mut end[(owner + 1) as usize];
            partitions[*slot] = p as i32;
            *slot += 1;
        }

        let mut moved = 0;
        while !balancer.is_balanced() {
            let most_loaded = loop {
                let Some(member) = balancer.next_most_loaded_member(&self.sizes) else {
                    break None;
                };
                if end[member + 1] > start[member + 1] {
                    break Some(member);
                }
                balancer.exclude_most_loaded_member();
            };
            let Some(most_loaded) = most_loaded else {
                break;
            };
            end[most_loaded + 1] -= 1;
            let partition = partitions[end[most_loaded + 1]];
            let least_loaded = balancer.next_least_loaded_member(&self.sizes);
            if balancer.is_balanced() {
                break;
            }
            self.assign_partition(topic, partition, least_loaded);
            moved += 1;
        }
        moved
    }
}

/// `MemberAssignmentBalancer`: a topic's subscribers sorted by (partition count, index), with a
/// least-loaded range filled from the front and a most-loaded range drained from the back. Counts
/// are read live, so ranges widen as members catch up.
#[derive(Default)]
struct Balancer {
    sorted: Vec<usize>,
    least_loaded_range_end: usize,
    least_loaded_range_count: i32,
    next_least_loaded: usize,
    most_loaded_range_start: usize,
    most_loaded_range_end: usize,
    most_loaded_range_count: i32,
    next_most_loaded: isize,
}

impl Balancer {
    /// Returns the count gap between the most and the least loaded member.
    fn initialize(&mut self, members: &[usize], sizes: &[i32]) -> i32 {
        self.sorted.clear();
        self.sorted.extend_from_slice(members);
        sort::sort_by_key(&mut self.sorted, |&m| (sizes[m], m));
        let first = sizes[self.sorted[0]];
        let last = sizes[*self.sorted.last().expect("subscribers")];
        let n = self.sorted.len();
        self.least_loaded_range_end = 0;
        self.least_loaded_range_count = first - 1;
        self.next_least_loaded = 0;
        self.most_loaded_range_start = n;
        self.most_loaded_range_end = n;
        self.most_loaded_range_count = last + 1;
        self.next_most_loaded = n as isize - 1;
        last - first
    }

    fn next_least_loaded_member(&mut self, sizes: &[i32]) -> usize {
        if self.next_least_loaded >= self.least_loaded_range_end {
            self.least_loaded_range_count += 1;
            while self.least_loaded_range_end < self.sorted.len()
                && sizes[self.sorted[self.least_loaded_range_end]] == self.least_loaded_range_count
            {
                self.least_loaded_range_end += 1;
            }
            self.next_least_loaded = 0;
        }
        let member = self.sorted[self.next_least_loaded];
        self.next_least_loaded += 1;
        member
    }

    fn next_most_loaded_member(&mut self, sizes: &[i32]) -> Option<usize> {
        if self.next_most_loaded < self.most_loaded_range_start as isize {
            if self.most_loaded_range_end <= self.most_loaded_range_start
                && self.most_loaded_range_start > 0
            {
                self.most_loaded_range_count = sizes[self.sorted[self.most_loaded_range_start - 1]];
            } else {
                self.most_loaded_range_count -= 1;
            }
            while self.most_loaded_range_start > 0
                && sizes[self.sorted[self.most_loaded_range_start - 1]]
                    == self.most_loaded_range_count
            {
                self.most_loaded_range_start -= 1;
            }
            self.next_most_loaded = self.most_loaded_range_end as isize - 1;
        }
        if self.next_most_loaded < 0 {
            return None;
        }
        let member = self.sorted[self.next_most_loaded as usize];
        self.next_most_loaded -= 1;
        Some(member)
    }

    /// Moves the member last returned by [`Self::next_most_loaded_member`] out of the range.
    fn exclude_most_loaded_member(&mut self) {
        let index = (self.next_most_loaded + 1) as usize;
        self.sorted.swap(index, self.most_loaded_range_end - 1);
        self.most_loaded_range_end -= 1;
    }

    fn is_balanced(&self) -> bool {
        self.most_loaded_range_count - self.least_loaded_range_count <= 1
    }
}
