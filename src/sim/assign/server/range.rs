//! The server-side `RangeAssignor` (KIP-848): stateless and not sticky. Members sorted static
//! first (by instance id), then by member id, take contiguous blocks of each topic they subscribe
//! to; the first `P % n` subscribers of a topic get one partition more.

use super::{Group, Owners};
use crate::sim::assign::java_hash::compare_strings;
use crate::sim::assign::AssignError;
use std::cmp::Ordering;

pub(super) fn assign(group: &Group) -> Result<Owners, AssignError> {
    let topics = group.spec.topics.len();
    let mut owners: Owners = vec![Vec::new(); group.member_count()];
    let sorted = sorted_members(group);

    // Homogeneous or not, each topic is split among its subscribers (all members when homogeneous).
    let mut subscriber_count = vec![0usize; topics];
    for &m in &sorted {
        for &t in &group.subscribed[m] {
            subscriber_count[t] += 1;
        }
    }
    // Room for each member's share up front: one allocation per member.
    for &m in &sorted {
        let share: usize = group.subscribed[m]
            .iter()
            .map(|&t| {
                let partitions = group.spec.topics[t].partitions.max(0) as usize;
                partitions / subscriber_count[t] + 1
            })
            .sum();
        owners[m].reserve_exact(share);
    }
    let mut next_range = vec![0i32; topics];
    let mut extra: Vec<i32> = (0..topics)
        .map(|t| match subscriber_count[t] {
            0 => 0,
            n => group.spec.topics[t].partitions % n as i32,
        })
        .collect();
    for &m in &sorted {
        for &t in &group.subscribed[m] {
            let partitions = group.spec.topics[t].partitions;
            let mut quota = partitions / subscriber_count[t] as i32;
            if extra[t] > 0 {
                quota += 1;
                extra[t] -= 1;
            }
            let start = next_range[t];
            let end = (start + quota).min(partitions);
            next_range[t] = end;
            owners[m].extend((start..end).map(|p| (t, p)));
        }
    }
    Ok(owners)
}

/// Static members first by instance id, then dynamic ones by member id; a stable sort of the
/// members in map order, like Kafka's `List.sort`.
fn sorted_members(group: &Group) -> Vec<usize> {
    let mut order: Vec<usize> = (0..group.member_count()).collect();
    order.sort_by(|&a, &b| {
        let (ma, mb) = (group.members[a], group.members[b]);
        match (&ma.instance_id, &mb.instance_id) {
            (Some(ia), Some(ib)) => compare_strings(ia, ib),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => compare_strings(&ma.member_id, &mb.member_id),
        }
    });
    order
}
