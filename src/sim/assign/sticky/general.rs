//! `GeneralAssignmentBuilder`: members subscribe to different topics. Owned partitions are kept
//! where still subscribed (and rack-matching), the rest go greedily to the least-loaded subscriber,
//! then partitions move from loaded to light members until Kafka's balance test passes; if that
//! did not improve the balance score, the pre-balancing assignment is restored.
//!
//! Kafka recomputes its balance test from scratch over every partition of every member before each
//! step (quadratic, 0.1–1 s for 200 members × 2000 partitions). Here the same test is answered from
//! per-member, per-topic counters: a member `c` below its maximum can take a partition from `o`
//! exactly when `o` holds a partition of one of `c`'s topics and `count(o) > count(c) + 1`, so only
//! the largest count among each topic's holders matters. The outcome is identical, step by step.

use super::movements::PartitionMovements;
use super::Context;
use crate::sim::assign::AssignError;
use crate::sim::sort;
use std::collections::BTreeSet;

struct Builder<'c, 'a> {
    ctx: &'c Context<'a>,
    /// Each member's subscribed existing topics (topic indices, ascending).
    member_topics: Vec<Vec<u32>>,
    /// Java `TopicPartition.hashCode` of each partition index.
    partition_hash: Vec<i32>,
    topic_count: usize,
    /// `topic2AllPotentialConsumers`, members in `HashMap` order.
    topic_subscribers: Vec<Vec<u32>>,
    /// `subscribes[m * topics + t]`.
    subscribes: Vec<bool>,
    /// Partitions a member could hold at most (all partitions of its topics).
    max_size: Vec<u32>,
    /// `currentPartitionConsumer`.
    owner: Vec<Option<u32>>,
    /// Size of each member's `currentAssignment` list.
    count: Vec<u32>,
    /// `holds[m * topics + t]`: partitions of topic `t` member `m` holds.
    holds: Vec<u32>,
    /// Members still in `currentAssignment` (the fixed ones are set aside while balancing).
    present: Vec<bool>,
    /// `sortedCurrentSubscriptions`: (count, member-id rank).
    sorted: BTreeSet<(u32, u32)>,
    by_rank: Vec<u32>,
    /// `prevAssignment`: an earlier owner (with a generation below the highest) of each partition.
    prev: Vec<Option<(u32, i32)>>,
    movements: PartitionMovements,
    revocation_required: bool,
    /// Scratch space of the balance test.
    topic_max: Vec<u32>,
}

pub(super) fn build(
    ctx: &Context,
    owned: Vec<Vec<u32>>,
    max_generation: i32,
) -> Result<Vec<Vec<u32>>, AssignError> {
    let members = ctx.members.len();
    let topics = ctx.topics.len();
    let mut builder = Builder {
        ctx,
        member_topics: ctx.member_topics(),
        partition_hash: ctx.partition_hashes(),
        topic_count: topics,
        topic_subscribers: vec![Vec::new(); topics],
        subscribes: vec![false; members * topics],
        max_size: vec![0; members],
        owner: vec![None; ctx.partition_count()],
        count: vec![0; members],
        holds: vec![0; members * topics],
        present: vec![true; members],
        sorted: BTreeSet::new(),
        by_rank: vec![0; members],
        prev: vec![None; ctx.partition_count()],
        movements: PartitionMovements::new(ctx.partition_count(), topics),
        revocation_required: false,
        topic_max: vec![0; topics],
    };
    for m in 0..members {
        builder.by_rank[ctx.rank[m] as usize] = m as u32;
        for &t in &builder.member_topics[m] {
            builder.topic_subscribers[t as usize].push(m as u32);
            builder.subscribes[m * topics + t as usize] = true;
            builder.max_size[m] += ctx.topics[t as usize].partitions;
        }
    }
    builder.prepopulate_previous_assignment(max_generation);
    let kept = builder.assign_owned_partitions(owned);

    // Topics by (number of potential consumers, name), partitions ascending.
    let mut topic_order: Vec<u32> = (0..topics as u32).collect();
    sort::sort_by_key(&mut topic_order, |&t| {
        (builder.topic_subscribers[t as usize].len(), t)
    });
    let sorted_all: Vec<u32> = topic_order
        .iter()
        .flat_map(|&t| {
            let topic = &ctx.topics[t as usize];
            topic.offset..topic.offset + topic.partitions
        })
        .collect();
    let unassigned: Vec<u32> = sorted_all
        .iter()
        .copied()
        .filter(|&p| !kept[p as usize])
        .collect();

    for m in 0..members {
        builder.sorted.insert((builder.count[m], ctx.rank[m]));
    }
    builder.balance(sorted_all, unassigned)?;

    let mut assignment = vec![Vec::new(); members];
    for (p, owner) in builder.owner.iter().enumerate() {
        if let Some(m) = owner {
            assignment[*m as usize].push(p as u32);
        }
    }
    Ok(assignment)
}

impl Builder<'_, '_> {
    fn topic_of(&self, partition: u32) -> usize {
        self.ctx.topic_of[partition as usize] as usize
    }

    fn subscribes(&self, member: u32, topic: usize) -> bool {
        self.subscribes[member as usize * self.topic_count + topic]
    }

    /// `prepopulateCurrentAssignments`: claims of members below the highest generation (or without
    /// one, when some member has one) become the partitions' previous owners; a later member
    /// replaces an entry only with a strictly higher generation.
    fn prepopulate_previous_assignment(&mut self, max_generation: i32) {
        for (m, data) in self.ctx.member_data.iter().enumerate() {
            let generation = match data.generation {
                Some(g) if g < max_generation => g,
                None if max_generation > super::DEFAULT_GENERATION => super::DEFAULT_GENERATION,
                _ => continue,
            };
            for &p in &data.partitions {
                let entry = &mut self.prev[p as usize];
                if entry.is_none_or(|(_, previous)| generation > previous) {
                    *entry = Some((m as u32, generation));
                }
            }
        }
    }

    /// Keeps each member's claims of topics it still subscribes to (and, rack-aware, that are on
    /// its rack); dropping any other claim means something must be revoked.
    fn assign_owned_partitions(&mut self, owned: Vec<Vec<u32>>) -> Vec<bool> {
        let mut kept = vec![false; self.ctx.partition_count()];
        for (m, claims) in owned.into_iter().enumerate() {
            for p in claims {
                let topic = self.topic_of(p);
                if !self.subscribes(m as u32, topic) || self.ctx.rack.racks_mismatch(m, p) {
                    self.revocation_required = true;
                } else {
                    kept[p as usize] = true;
                    self.give(p, m as u32);
                }
            }
        }
        kept
    }

    fn give(&mut self, partition: u32, member: u32) {
        let topic = self.topic_of(partition);
        self.owner[partition as usize] = Some(member);
        self.count[member as usize] += 1;
        self.holds[member as usize * self.topic_count + topic] += 1;
    }

    fn take(&mut self, partition: u32, member: u32) {
        let topic = self.topic_of(partition);
        self.count[member as usize] -= 1;
        self.holds[member as usize * self.topic_count + topic] -= 1;
    }

    fn sort_key(&self, member: u32) -> (u32, u32) {
        (self.count[member as usize], self.ctx.rank[member as usize])
    }

    fn balance(
        &mut self,
        mut sorted_all: Vec<u32>,
        mut unassigned: Vec<u32>,
    ) -> Result<(), AssignError> {
        let initializing = self.sorted.last().is_some_and(|&(count, _)| count == 0);

        // First with rack matching, then the remainder without.
        if self.ctx.rack.enabled() {
            let mut to_assign = unassigned.clone();
            to_assign.retain(|&p| !self.maybe_assign_partition(p, true));
            for p in to_assign {
                self.maybe_assign_partition(p, false);
            }
        } else {
            for &p in &unassigned {
                self.maybe_assign_partition(p, false);
            }
        }

        // Only topics with two or more potential consumers can move.
        let reassignable = |b: &Self, p: u32| b.topic_subscribers[b.topic_of(p)].len() >= 2;
        sorted_all.retain(|&p| reassignable(self, p));
        unassigned.retain(|&p| reassignable(self, p));
        // Members that hold all they can, none of it movable, are set aside.
        for m in 0..self.ctx.members.len() as u32 {
            if !self.can_participate_in_reassignment(m) {
                self.sorted.remove(&self.sort_key(m));
                self.present[m as usize] = false;
            }
        }

        let snapshot = (self.owner.clone(), self.count.clone(), self.holds.clone());
        if !self.revocation_required {
            self.perform_reassignments(&unassigned)?;
        }
        let reassignment_performed = self.perform_reassignments(&sorted_all)?;
        if !initializing
            && reassignment_performed
            && self.balance_score(&self.count) >= self.balance_score(&snapshot.1)
        {
            (self.owner, self.count, self.holds) = snapshot;
        }
        Ok(())
    }

    /// `maybeAssignPartition`: the least-loaded member subscribed to the topic (and, when asked, not
    /// on another rack) takes the partition.
    fn maybe_assign_partition(&mut self, partition: u32, rack_matching: bool) -> bool {
        let topic = self.topic_of(partition);
        let chosen = self
            .sorted
            .iter()
            .map(|&(_, rank)| self.by_rank[rank as usize])
            .find(|&m| {
                self.subscribes(m, topic)
                    && !(rack_matching && self.ctx.rack.racks_mismatch(m as usize, partition))
            });
        let Some(member) = chosen else { return false };
        self.sorted.remove(&self.sort_key(member));
        self.give(partition, member);
        self.sorted.insert(self.sort_key(member));
        true
    }

    fn can_participate_in_reassignment(&self, member: u32) -> bool {
        let m = member as usize;
        if self.count[m] < self.max_size[m] {
            return true;
        }
        (0..self.topic_count).any(|t| {
            self.holds[m * self.topic_count + t] > 0 && self.topic_subscribers[t].len() >= 2
        })
    }

    /// Kafka's `isBalanced`, from counters (see the module comment).
    fn is_balanced(&mut self) -> bool {
        let (Some(&(min, _)), Some(&(max, _))) = (self.sorted.first(), self.sorted.last()) else {
            return true;
        };
        if min + 1 >= max {
            return true;
        }
        let topics = self.topic_count;
        self.topic_max.iter_mut().for_each(|v| *v = 0);
        for (m, &count) in self.count.iter().enumerate() {
            if !self.present[m] {
                continue;
            }
            let holds = &self.holds[m * topics..(m + 1) * topics];
            for (t, &held) in holds.iter().enumerate() {
                if held > 0 && count > self.topic_max[t] {
                    self.topic_max[t] = count;
                }
            }
        }
        for &(count, rank) in &self.sorted {
            let m = self.by_rank[rank as usize] as usize;
            if count == self.max_size[m] {
                continue;
            }
            if self.member_topics[m]
                .iter()
                .any(|&t| count + 1 < self.topic_max[t as usize])
            {
                return false;
            }
        }
        true
    }

    /// `performReassignments`: sweeps over the partitions until a sweep moves nothing; a sweep stops
    /// as soon as the assignment is balanced. Returns whether anything moved.
    fn perform_reassignments(&mut self, partitions: &[u32]) -> Result<bool, AssignError> {
        let mut performed = false;
        let mut cycle = CycleFinder::default();
        loop {
            if cycle.seen_before(self) {
                let passes = match cycle.length {
                    1 => "each pass ends where it began".to_string(),
                    n => format!("every {n} passes it is back where it was"),
                };
                return Err(AssignError::NeverReturns(format!(
                    "performReassignments goes round forever: {passes}"
                )));
            }
            let mut modified = false;
            for &partition in partitions {
                if self.is_balanced() {
                    break;
                }
                let consumer = self.owner[partition as usize].expect("every partition is assigned");
                let count = self.count[consumer as usize];

                if let Some((previous, _)) = self.prev[partition as usize] {
                    if !self.present[previous as usize] {
                        // Kafka reads the set-aside member's assignment here and throws.
                        return Err(AssignError::Threw(
                            "NullPointerException: previous owner set aside".into(),
                        ));
                    }
                    if count > self.count[previous as usize] + 1 {
                        self.reassign_partition_to(partition, previous);
                        performed = true;
                        modified = true;
                        continue;
                    }
                }
                // Kafka first looks for a lighter subscriber on the partition's racks, then for any
                // lighter subscriber; either way the partition goes to the least-loaded subscriber,
                // and a rack-matching lighter one is also a lighter one, so one test suffices.
                let topic = self.topic_of(partition);
                let lighter_exists = self.topic_subscribers[topic]
                    .iter()
                    .any(|&other| count > self.count[other as usize] + 1);
                if lighter_exists {
                    self.reassign_partition(partition);
                    performed = true;
                    modified = true;
                }
            }
            if !modified {
                return Ok(performed);
            }
        }
    }

    /// What the next pass of `performReassignments` depends on: the owners (the counts and the
    /// sorted members follow from them) and the recorded movements (which partition a move undoes).
    fn pass_state(&self) -> (Vec<Option<u32>>, PartitionMovements) {
        (self.owner.clone(), self.movements.clone())
    }

    /// Moves the partition (or the one it undoes) to the least-loaded subscriber of its topic.
    fn reassign_partition(&mut self, partition: u32) {
        let topic = self.topic_of(partition);
        let new = self
            .sorted
            .iter()
            .map(|&(_, rank)| self.by_rank[rank as usize])
            .find(|&m| self.subscribes(m, topic))
            .expect("the topic has a subscriber");
        self.reassign_partition_to(partition, new);
    }

    fn reassign_partition_to(&mut self, partition: u32, new: u32) {
        let old = self.owner[partition as usize].expect("assigned");
        let topic = self.topic_of(partition) as u32;
        let actual = self
            .movements
            .actual_partition_to_move(partition, topic, old, new);
        self.process_partition_movement(actual, new);
    }

    fn process_partition_movement(&mut self, partition: u32, new: u32) {
        let old = self.owner[partition as usize].expect("assigned");
        self.sorted.remove(&self.sort_key(old));
        self.sorted.remove(&self.sort_key(new));
        let topic = self.topic_of(partition) as u32;
        let hash = self.partition_hash[partition as usize];
        self.movements
            .move_partition(partition, topic, hash, old, new);
        self.take(partition, old);
        self.give(partition, new);
        self.sorted.insert(self.sort_key(new));
        self.sorted.insert(self.sort_key(old));
    }

    /// `getBalanceScore`: Σ over pairs of present members of their count difference.
    fn balance_score(&self, counts: &[u32]) -> i64 {
        let mut present: Vec<i64> = counts
            .iter()
            .zip(&self.present)
            .filter(|(_, &p)| p)
            .map(|(&c, _)| i64::from(c))
            .collect();
        present.sort_unstable();
        let n = present.len() as i64;
        present
            .iter()
            .enumerate()
            .map(|(i, &c)| c * (2 * i as i64 - n + 1))
            .sum()
    }
}

/// Kafka's `performReassignments` repeats its pass until one moves nothing, with no bound: on some
/// inputs with unequal subscriptions the moves go round a cycle and `assign` never returns (Kafka
/// 4.1.2's own classes loop forever on `tests/data/regressions/property-sticky-endless-balancing.json`'s
/// leader input; librdkafka's port of the algorithm had the same report, confluentinc/librdkafka#4783).
/// A pass is a function of [`Builder::pass_state`] alone, so a state seen again at the start of a
/// pass means the loop never ends. Brent's cycle finding keeps one saved state and compares it with
/// each pass's, saving a fresh one whenever the count reaches a power of two: a loop that ends is
/// untouched, one that cycles is told within twice its tail and cycle.
#[derive(Default)]
struct CycleFinder {
    saved: Option<(Vec<Option<u32>>, PartitionMovements)>,
    /// Passes since the state was saved.
    length: usize,
    /// When to save the next state.
    power: usize,
}

impl CycleFinder {
    fn seen_before(&mut self, builder: &Builder) -> bool {
        if let Some((owner, movements)) = &self.saved {
            if *owner == builder.owner && *movements == builder.movements {
                return true;
            }
        }
        if self.length == self.power {
            self.saved = Some(builder.pass_state());
            self.power = (self.power * 2).max(1);
            self.length = 0;
        }
        self.length += 1;
        false
    }
}
