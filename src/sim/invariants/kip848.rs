//! §8 for KIP-848 consumer groups: epochs ordered (the group epoch rises by one at a time; every
//! member's epoch ≤ the target epoch ≤ the group epoch), the coordinator never gives a partition to
//! two members, no two members' consumers consume one partition, and a Stable group whose metadata
//! is current assigns every subscribed partition exactly once.

use crate::sim::assign::TopicPartition;
use crate::sim::client::KafkaConsumer;
use crate::sim::protocol::consumer_group_heartbeat::LEAVE_GROUP_STATIC_MEMBER_EPOCH;
use crate::sim::sort::CollectBTree;
use crate::sim::time::Millis;
use crate::sim::trace::TraceEvent;
use crate::sim::vocab::ConsumerGroupState;
use crate::sim::world::World;
use std::collections::{BTreeMap, BTreeSet};

/// §8.1: each bump is exactly one above the last seen for its group.
pub(super) fn check_epoch_bump(
    epochs: &mut BTreeMap<String, i32>,
    at: u64,
    event: &TraceEvent,
) -> Result<(), String> {
    if let TraceEvent::GroupEpochBumped { group, epoch, .. } = event {
        let previous = epochs.get(group).copied().unwrap_or(0);
        if *epoch != previous + 1 {
            return Err(format!(
                "{at}: consumer group {group} jumped from epoch {previous} to {epoch}"
            ));
        }
        epochs.insert(group.clone(), *epoch);
    }
    Ok(())
}

/// The coordinator's side: epochs ordered, one holder per partition, and a complete assignment
/// when Stable.
pub(super) fn check_consumer_groups(world: &World) -> Result<(), String> {
    let now = world.now();
    for g in world.broker().consumer_groups().groups() {
        if g.assignment_epoch > g.group_epoch {
            return Err(format!(
                "{now}: consumer group {} has target epoch {} above group epoch {}",
                g.group_id, g.assignment_epoch, g.group_epoch
            ));
        }
        let mut holder: BTreeMap<&TopicPartition, &str> = BTreeMap::new();
        for m in &g.members {
            if m.member_epoch > g.assignment_epoch {
                return Err(format!(
                    "{now}: member {} of {} is at epoch {} above the target epoch {}",
                    m.consumer, g.group_id, m.member_epoch, g.assignment_epoch
                ));
            }
            if m.member_epoch < 0 && m.member_epoch != LEAVE_GROUP_STATIC_MEMBER_EPOCH {
                return Err(format!(
                    "{now}: member {} of {} holds epoch {}",
                    m.consumer, g.group_id, m.member_epoch
                ));
            }
            for tp in m.assigned.iter().chain(&m.pending_revocation) {
                if let Some(other) = holder.insert(tp, &m.consumer) {
                    return Err(format!(
                        "{now}: the coordinator gives {tp} to both {other} and {} in {}",
                        m.consumer, g.group_id
                    ));
                }
            }
        }
        if g.state() == ConsumerGroupState::Stable && !g.metadata_refresh_requested {
            let topics = world.topics();
            for topic in g.subscribed_topics() {
                let Some(&count) = topics.get(&topic) else {
                    continue;
                };
                if let Some(p) = (0..count)
                    .find(|&p| !holder.contains_key(&TopicPartition::new(topic.as_str(), p)))
                {
                    return Err(format!(
                        "{now}: consumer group {} is Stable at epoch {} but {topic}-{p} is assigned to nobody",
                        g.group_id, g.group_epoch
                    ));
                }
            }
        }
    }
    Ok(())
}

/// §8.4: the consumers that are members of a consumer group (the coordinator holds their member
/// id), of either protocol, never consume one partition at the same time. A consumer the coordinator fenced or that left
/// is a zombie until it hears of it (as in the classic check), and is left out.
pub(super) fn check_kip848_single_owner(world: &World) -> Result<(), String> {
    let mut owners: BTreeMap<(&str, &TopicPartition), &str> = BTreeMap::new();
    let groups = world.broker().consumer_groups();
    for c in world.consumers() {
        let Some(manager) = c.membership_manager() else {
            // A classic member of a consumer group (a mixed group) counts too, while the consumer
            // group holds its member id and its generation was not reset.
            let generation = c.generation();
            let member = groups
                .group(&c.group_id)
                .and_then(|g| g.member(&generation.member_id));
            if member.is_none() || generation.is_reset() || !c.is_running() {
                continue;
            }
            claim_owned(&mut owners, c, world.now())?;
            continue;
        };
        // A member that left on its poll timeout, or was fenced, is out of the group until its next
        // poll() reports its partitions lost: the zombie the member epochs protect against.
        if !manager.is_in_group() {
            continue;
        }
        let member = groups
            .group(&c.group_id)
            .and_then(|g| g.member(&manager.member_id));
        if member.is_none() || !c.is_running() {
            continue;
        }
        claim_owned(&mut owners, c, world.now())?;
        // A member never consumes what the coordinator does not let it hold.
        let member = member.expect("checked");
        let allowed: BTreeSet<&TopicPartition> = member
            .assigned
            .iter()
            .chain(&member.pending_revocation)
            .collect_set();
        if let Some(tp) = c.owned().iter().find(|tp| !allowed.contains(tp)) {
            // The acknowledgement of a newly assigned partition races nothing: the coordinator
            // assigned it before the client took it; a partition owned outside the coordinator's
            // view is a model bug.
            return Err(format!(
                "{}: {} consumes {tp}, which the coordinator does not hold for it",
                world.now(),
                c.handle
            ));
        }
    }
    Ok(())
}

/// Records the consumer as the owner of each partition it consumes; a partition already claimed in
/// its group is the violation.
fn claim_owned<'w>(
    owners: &mut BTreeMap<(&'w str, &'w TopicPartition), &'w str>,
    c: &'w KafkaConsumer,
    now: Millis,
) -> Result<(), String> {
    for tp in c.owned() {
        if let Some(other) = owners.insert((c.group_id.as_str(), tp), &c.handle) {
            return Err(format!(
                "{now}: {tp} is owned by both {other} and {} in group {}",
                c.handle, c.group_id
            ));
        }
    }
    Ok(())
}
