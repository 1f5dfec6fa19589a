//! The server-side `RangeAssignor` (KIP-848): stateless and not sticky. Members sorted static
//! first (by instance id), then by member id, take contiguous blocks of each topic they subscribe
//! to; the first `P % n` subscribers of a topic get one partition more.

use super::{Group, ServerAssignment};
use crate::sim::assign::java_hash::compare_strings;
use crate::sim::assign::AssignError;
use crate::sim::sort;

pub(super) fn assign(group: &Group) -> Result<ServerAssignment, AssignError> {
    let topics = group.spec.topics.len();
    let sorted = sorted_members(group);

    // Homogeneous or not, each topic is split among its subscribers (all members when homogeneous).
    let mut subscriber_count = vec![0usize; topics];
    for &m in &sorted {
        for &t in &group.subscribed[m] {
            subscriber_count[t] += 1;
        }
    }
    // Each member's block, in sorted order, in one vector sized up front.
    let total: usize = sorted
        .iter()
        .flat_map(|&m| &group.subscribed[m])
        .map(|&t| group.spec.topics[t].partitions.max(0) as usize / subscriber_count[t] + 1)
        .sum();
    let mut result = ServerAssignment {
        members: Vec::with_capacity(sorted.len()),
        ends: Vec::with_capacity(sorted.len()),
        partitions: Vec::with_capacity(total),
    };
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
            result.partitions.extend((start..end).map(|p| (t, p)));
        }
        result.members.push(group.member_index[m]);
        result.ends.push(result.partitions.len());
    }
    Ok(result)
}

/// Static members first by instance id, then dynamic ones by member id; a stable sort of the
/// members in map order, like Kafka's `List.sort`.
fn sorted_members(group: &Group) -> Vec<usize> {
    let key = |m: usize| -> (bool, &str) {
        let member = group.members[m];
        match &member.instance_id {
            Some(instance) => (false, instance.as_str()),
            None => (true, member.member_id.as_str()),
        }
    };
    // The first eight bytes as a number order ASCII text as Java does; equal prefixes compare in full.
    let ascii = (0..group.member_count()).all(|m| key(m).1.is_ascii());
    let mut order: Vec<(bool, u64, usize)> = (0..group.member_count())
        .map(|m| {
            let (dynamic, text) = key(m);
            let mut prefix = [0u8; 8];
            if ascii {
                let n = text.len().min(8);
                prefix[..n].copy_from_slice(&text.as_bytes()[..n]);
            }
            (dynamic, u64::from_be_bytes(prefix), m)
        })
        .collect();
    sort::sort_by(&mut order, |&(da, pa, a), &(db, pb, b)| {
        da.cmp(&db)
            .then(pa.cmp(&pb))
            .then_with(|| compare_strings(key(a).1, key(b).1))
    });
    order.into_iter().map(|(_, _, m)| m).collect()
}
