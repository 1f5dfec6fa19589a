//! `ConstrainedAssignmentBuilder`: every member subscribes to the same topics, so each one must end
//! with `⌊N/M⌋` or `⌈N/M⌉` partitions. Members keep owned partitions up to that quota, then the rest
//! is dealt round robin (after a rack-matching round when rack-aware), in Kafka's exact list order.

use super::Context;
use crate::sim::assign::AssignError;
use crate::sim::sort;
use std::collections::VecDeque;

pub(super) struct Outcome {
    /// Partitions of each member (member `HashMap` order).
    pub assignment: Slots,
    /// Partitions given to a member while another must still revoke them (cooperative withholds
    /// these).
    pub transferring: Vec<bool>,
}

/// Each member's partitions, in the order they were given. A member ends with at most
/// `⌈N/M⌉` partitions, so every member has a fixed row of that many slots in one vector: one
/// allocation for the whole assignment instead of one per member.
pub(super) struct Slots {
    items: Vec<u32>,
    len: Vec<u32>,
    width: usize,
}

impl Slots {
    fn new(members: usize, width: usize) -> Self {
        Slots {
            items: vec![0; members * width],
            len: vec![0; members],
            width,
        }
    }

    /// Member `m`'s partitions.
    pub fn get(&self, m: usize) -> &[u32] {
        &self.items[m * self.width..m * self.width + self.len[m] as usize]
    }

    fn len(&self, m: usize) -> usize {
        self.len[m] as usize
    }

    /// Gives `m` one more partition; a member never holds more than the maximum quota.
    fn push(&mut self, m: usize, partition: u32) {
        let len = self.len[m] as usize;
        assert!(len < self.width, "a member over the maximum quota");
        self.items[m * self.width + len] = partition;
        self.len[m] += 1;
    }

    fn extend(&mut self, m: usize, partitions: &[u32]) {
        for &p in partitions {
            self.push(m, p);
        }
    }
}

struct Builder<'c, 'a> {
    ctx: &'c Context<'a>,
    flagged: &'c [bool],
    /// Member that may have to revoke each partition (`maybeRevokedPartitions`).
    maybe_revoked: Vec<Option<u32>>,
    /// `unfilledMembersWithUnderMinQuotaPartitions`.
    unfilled: Vec<u32>,
    /// `unfilledMembersWithExactlyMinQuotaPartitions`.
    exactly_min: VecDeque<u32>,
    min_quota: usize,
    max_quota: usize,
    expected_over_min: usize,
    current_over_min: usize,
    assignment: Slots,
    transferring: Vec<bool>,
}

pub(super) fn build(
    ctx: &Context,
    owned: Vec<Vec<u32>>,
    flagged: &[bool],
) -> Result<Outcome, AssignError> {
    let members = ctx.members.len();
    let total = ctx.partition_count();
    let mut builder = Builder {
        ctx,
        flagged,
        maybe_revoked: vec![None; total],
        unfilled: Vec::new(),
        exactly_min: VecDeque::new(),
        min_quota: total / members,
        max_quota: total.div_ceil(members),
        expected_over_min: total % members,
        current_over_min: 0,
        assignment: Slots::new(members, total.div_ceil(members)),
        transferring: vec![false; total],
    };
    let (kept, kept_count) = builder.assign_owned_partitions(owned);
    let mut unassigned: Vec<u32> = Vec::with_capacity(total - kept_count);
    unassigned.extend((0..total as u32).filter(|&p| !kept[p as usize]));

    // Both lists in member-id order (ranks are distinct: any sort gives this order).
    in_member_id_order(&mut builder.unfilled, &ctx.by_rank);
    in_member_id_order(builder.exactly_min.make_contiguous(), &ctx.by_rank);
    ctx.rack.sort_partitions_by_rack_consumers(&mut unassigned);

    if ctx.rack.enabled() {
        builder.assign_rack_aware_round_robin(&mut unassigned);
    }
    builder.assign_round_robin(&unassigned)?;
    builder.verify_unfilled_members()?;
    Ok(Outcome {
        assignment: builder.assignment,
        transferring: builder.transferring,
    })
}

impl Builder<'_, '_> {
    /// Step 1: each member keeps (rack-matching, unflagged) owned partitions, lowest partition
    /// numbers first, up to its quota. Returns which partitions were kept, and how many.
    fn assign_owned_partitions(&mut self, owned: Vec<Vec<u32>>) -> (Vec<bool>, usize) {
        let ctx = self.ctx;
        let mut kept = vec![false; ctx.partition_count()];
        let mut kept_count = 0;
        for (m, claims) in owned.into_iter().enumerate() {
            let mut partitions: Vec<u32> = Vec::with_capacity(claims.len());
            for p in claims {
                if ctx.rack.racks_mismatch(m, p) {
                    self.maybe_revoked[p as usize] = Some(m as u32);
                } else {
                    partitions.push(p);
                }
            }
            // Sorted by (partition number, topic name).
            sort::sort_by_key(&mut partitions, |&p| {
                let topic = ctx.topic_of[p as usize];
                (p - ctx.topics[topic as usize].offset, topic)
            });
            partitions.retain(|&p| !self.flagged[p as usize]);

            let keep = if partitions.len() < self.min_quota {
                self.unfilled.push(m as u32);
                partitions.len()
            } else if partitions.len() >= self.max_quota
                && self.current_over_min < self.expected_over_min
            {
                self.current_over_min += 1;
                if self.current_over_min == self.expected_over_min {
                    self.exactly_min.clear();
                }
                self.max_quota
            } else {
                if self.current_over_min < self.expected_over_min {
                    self.exactly_min.push_back(m as u32);
                }
                self.min_quota
            };
            for &p in &partitions[keep..] {
                self.maybe_revoked[p as usize] = Some(m as u32);
            }
            for &p in &partitions[..keep] {
                kept[p as usize] = true;
            }
            kept_count += keep;
            self.assignment.extend(m, &partitions[..keep]);
        }
        (kept, kept_count)
    }

    /// Step 3 (rack-aware only): a partition goes to the next unfilled member on one of its racks,
    /// else to the first rack-matching member at exactly the minimum quota; the others wait.
    fn assign_rack_aware_round_robin(&mut self, unassigned: &mut Vec<u32>) {
        let mut next_unfilled = 0;
        let mut waiting = Vec::with_capacity(unassigned.len());
        for &partition in unassigned.iter() {
            let mut consumer = None;
            if let Some(mut index) =
                self.ctx
                    .rack
                    .next_rack_consumer(partition, &self.unfilled, next_unfilled)
            {
                let member = self.unfilled[index];
                consumer = Some(member);
                let count = self.assignment.len(member as usize) + 1;
                if count >= self.min_quota {
                    self.unfilled.remove(index);
                    if count < self.max_quota && self.current_over_min < self.expected_over_min {
                        self.exactly_min.push_back(member);
                    }
                } else {
                    index += 1;
                }
                next_unfilled = if self.unfilled.is_empty() {
                    0
                } else {
                    index % self.unfilled.len()
                };
            } else if !self.exactly_min.is_empty() {
                let list = self.exactly_min.make_contiguous();
                if let Some(index) = self.ctx.rack.next_rack_consumer(partition, list, 0) {
                    let member = list[index];
                    consumer = Some(member);
                    if self.assignment.len(member as usize) + 1 == self.max_quota {
                        self.exactly_min.remove(index);
                        self.current_over_min += 1;
                        if self.current_over_min == self.expected_over_min {
                            self.exactly_min.clear();
                        }
                    }
                }
            }
            match consumer {
                Some(member) => {
                    self.assign_new_partition(partition, member);
                }
                None => waiting.push(partition),
            }
        }
        *unassigned = waiting;
    }

    /// Step 4: deal the rest round robin over the unfilled members (Kafka's list iterator, restarted
    /// from the head when exhausted), then over those at exactly the minimum quota.
    fn assign_round_robin(&mut self, unassigned: &[u32]) -> Result<(), AssignError> {
        // `cursor` plays Kafka's iterator over `unfilled`: the next index it returns.
        let mut cursor = 0;
        for &partition in unassigned {
            let from_unfilled;
            let member = if cursor < self.unfilled.len() {
                cursor += 1;
                from_unfilled = true;
                self.unfilled[cursor - 1]
            } else if self.unfilled.is_empty() && self.exactly_min.is_empty() {
                return Err(AssignError::Threw(
                    "IllegalStateException: No more unfilled consumers to be assigned.".into(),
                ));
            } else if self.unfilled.is_empty() {
                from_unfilled = false;
                self.exactly_min.pop_front().expect("non-empty")
            } else {
                cursor = 1;
                from_unfilled = true;
                self.unfilled[0]
            };

            let count = self.assign_new_partition(partition, member);
            if count == self.min_quota {
                if !from_unfilled {
                    // Kafka would call `remove()` on an exhausted iterator here; quotas make it
                    // unreachable (a member taken at the minimum quota reaches the maximum).
                    return Err(AssignError::Threw("IllegalStateException".into()));
                }
                cursor -= 1;
                self.unfilled.remove(cursor);
                self.exactly_min.push_back(member);
            } else if count == self.max_quota {
                self.current_over_min += 1;
            }
        }
        Ok(())
    }

    fn assign_new_partition(&mut self, partition: u32, member: u32) -> usize {
        self.assignment.push(member as usize, partition);
        let revoked_elsewhere = self.maybe_revoked[partition as usize].is_some_and(|m| m != member);
        if revoked_elsewhere || self.flagged[partition as usize] {
            self.transferring[partition as usize] = true;
        }
        self.assignment.len(member as usize)
    }

    /// `verifyUnfilledMembers`: members left unfilled must all sit at exactly the minimum quota.
    fn verify_unfilled_members(&self) -> Result<(), AssignError> {
        if self.unfilled.is_empty() {
            return Ok(());
        }
        if self.current_over_min != self.expected_over_min {
            return Err(AssignError::Threw(
                "IllegalStateException: We haven't reached the expected number of members with more than the minQuota partitions, but no more partitions to be assigned".into(),
            ));
        }
        for &member in &self.unfilled {
            if self.assignment.len(member as usize) != self.min_quota {
                return Err(AssignError::Threw(format!(
                    "IllegalStateException: Consumer: [{}] doesn't reach minQuota partitions, and no more partitions to be assigned",
                    self.ctx.members[member as usize].member_id
                )));
            }
        }
        Ok(())
    }
}

/// Reorders `members` (distinct) by member id: `by_rank` lists every member in that order.
fn in_member_id_order(members: &mut [u32], by_rank: &[u32]) {
    if members.len() < 2 {
        return;
    }
    let mut listed = vec![false; by_rank.len()];
    for &m in members.iter() {
        listed[m as usize] = true;
    }
    let mut next = 0;
    for &m in by_rank.iter().filter(|&&m| listed[m as usize]) {
        members[next] = m;
        next += 1;
    }
    debug_assert_eq!(next, members.len(), "members listed twice");
}
