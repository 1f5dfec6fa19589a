//! The invariants of spec §8 (`docs/kafka-group-protocol.md`), checked against a World and its trace. Tests run the checker after every
//! event; the page may run it too and show a violation as a model bug.

use super::assign::{RebalanceProtocol, TopicPartition};
use super::broker::classic::ClassicGroup;
use super::client::{KafkaConsumer, MemberState};
use super::trace::TraceEvent;
use super::vocab::ClassicGroupState;
use super::world::World;
use crate::sim::sort::CollectBTree;
use std::collections::{BTreeMap, BTreeSet};

mod kip848;

/// Remembers what it has already read of the trace, so that each check only reads the new entries.
#[derive(Clone, Debug, Default)]
pub struct InvariantChecker {
    read: usize,
    generations: BTreeMap<String, i32>,
    /// Per group: the generation whose join phase the checker saw complete, and the topics its members
    /// subscribed to then (what the leader's assignment covers).
    joined_subscriptions: BTreeMap<String, (i32, BTreeSet<String>)>,
    /// KIP-848: the group epoch last seen per consumer group.
    group_epochs: BTreeMap<String, i32>,
    /// Per group: the generation its leader last ran the assignor for, and the partition counts of
    /// the leader's metadata then (what that assignment covers).
    assigned_from: BTreeMap<String, (i32, BTreeMap<String, i32>)>,
    checks: usize,
}

impl InvariantChecker {
    pub fn new() -> Self {
        Self::default()
    }

    /// How many times `check` ran.
    pub fn checks(&self) -> usize {
        self.checks
    }

    /// Checks every invariant; the error names the first violation and when it happened.
    pub fn check(&mut self, world: &World) -> Result<(), String> {
        self.checks += 1;
        self.check_new_trace(world)?;
        check_single_owner(world)?;
        check_eager_owns_nothing_while_rebalancing(world)?;
        check_only_running_consumers_own(world)?;
        check_stable_assignments(world, self)?;
        kip848::check_consumer_groups(world)?;
        kip848::check_kip848_single_owner(world)?;
        Ok(())
    }

    /// §8.1: the generation rises by exactly one per completed join phase (also into Empty).
    /// §8.2: classic groups move only along Kafka's allowed transitions.
    fn check_new_trace(&mut self, world: &World) -> Result<(), String> {
        let trace = world.trace();
        for entry in trace.since(self.read) {
            kip848::check_epoch_bump(&mut self.group_epochs, entry.at, &entry.event)?;
            match &entry.event {
                TraceEvent::GroupStateChanged {
                    group, from, to, ..
                } if !to.valid_previous_states().contains(from) => {
                    return Err(format!(
                        "{}: group {group} moved {from} -> {to}, which Kafka forbids",
                        entry.at
                    ));
                }
                TraceEvent::AssignmentComputed {
                    group,
                    consumer,
                    generation,
                    ..
                } => {
                    // Recorded within the leader's step, so its snapshot is still the one it
                    // assigned from.
                    let snapshot = world
                        .consumers()
                        .iter()
                        .find(|c| &c.handle == consumer)
                        .and_then(|c| c.coordinator.assignment_snapshot.clone())
                        .unwrap_or_default();
                    self.assigned_from
                        .insert(group.clone(), (*generation, snapshot));
                }
                // A conversion carries the count on: the consumer group's epoch starts at the
                // classic generation, the classic generation at the consumer group's epoch.
                TraceEvent::GroupConverted {
                    group, to, epoch, ..
                } => {
                    if to == "consumer" {
                        self.group_epochs.insert(group.clone(), *epoch);
                    } else {
                        self.generations.insert(group.clone(), *epoch);
                    }
                }
                TraceEvent::JoinPhaseCompleted {
                    group, generation, ..
                } => {
                    let previous = self.generations.get(group).copied().unwrap_or(0);
                    if *generation != previous + 1 {
                        return Err(format!(
                            "{}: group {group} jumped from generation {previous} to {generation}",
                            entry.at
                        ));
                    }
                    self.generations.insert(group.clone(), *generation);
                    // The checker runs after every event and a join phase completes within one, so the
                    // members' metadata now is the metadata the leader assigns from.
                    if let Some(g) = world
                        .coordinator()
                        .group(group)
                        .filter(|g| g.generation_id == *generation)
                    {
                        let topics = g
                            .members_iter()
                            .filter_map(|m| m.metadata(g.protocol_name.as_deref()))
                            .flat_map(|meta| meta.topics.iter().cloned())
                            .collect_set();
                        self.joined_subscriptions
                            .insert(group.clone(), (*generation, topics));
                    }
                }
                _ => {}
            }
        }
        self.read = trace.len();
        Ok(())
    }
}

/// §8.4 (and eager too): no partition is owned by two members of one group at the same time.
/// A consumer whose generation was reset (its poll timer expired) is no longer a member: it still
/// holds its partitions until its next `poll()` reports them lost, which is exactly the zombie Kafka's
/// generation checks protect against, so it is left out. So is a consumer the coordinator has already
/// removed (session expired, or it did not rejoin within the rebalance timeout while stuck between
/// polls) but that has not heard of it yet: Kafka's `ClassicGroup` completes the join without it and
/// hands its partitions to others, while the client keeps them until its next heartbeat or poll fails
/// with UNKNOWN_MEMBER_ID; it is no longer a member, it is the same zombie.
///
/// Nor is a static member that missed a join phase: Kafka keeps static members that did not rejoin
/// (`completeClassicGroupJoin` removes only "notYetRejoinedDynamicMembers") with the metadata of their
/// last JoinGroup, and the leader assigns from their stale `ownedPartitions`, so a partition such a
/// member received after its last JoinGroup looks free and may go to another member. The overlap lasts
/// until the static member applies the assignment of a later rebalance (which revokes it). Such a
/// member's generation is older than the group's (it missed the current join phase), or the last
/// assignment it applied is older than the group's previous generation (it missed an earlier one and
/// has not synced since). A static member that rejoins normally is checked, except between its join
/// phase completing and its poll handling the JoinGroup response.
fn check_single_owner(world: &World) -> Result<(), String> {
    let is_member = |c: &&KafkaConsumer| {
        world.coordinator().group(&c.group_id).is_some_and(|g| {
            let missed_a_join = c.is_static()
                && (c.generation().generation_id < g.generation_id
                    || c.last_assignment_generation().unwrap_or(-1) < g.generation_id - 1);
            g.member(&c.generation().member_id).is_some() && !missed_a_join
        })
    };

    let mut owners: Vec<(&str, PartitionTable)> = Vec::new();
    for c in world
        .consumers()
        .iter()
        .filter(|c| !c.generation().is_reset())
        .filter(is_member)
    {
        let table = match owners.iter().position(|(g, _)| *g == c.group_id) {
            Some(i) => &mut owners[i].1,
            None => {
                owners.push((&c.group_id, PartitionTable::default()));
                &mut owners.last_mut().expect("just pushed").1
            }
        };
        for tp in c.owned() {
            if let Some(other) = table.claim(tp, &c.handle) {
                return Err(format!(
                    "{}: {tp} is owned by both {other} and {} in group {}",
                    world.now(),
                    c.handle,
                    c.group_id
                ));
            }
        }
    }
    Ok(())
}

/// Who holds each partition of one group, by topic: the checks run after every event, and a few
/// small vectors indexed by partition cost far less than a map of `TopicPartition`s.
#[derive(Default)]
struct PartitionTable<'a> {
    slots: Vec<(&'a str, Vec<Option<&'a str>>)>,
    last: usize,
}

impl<'a> PartitionTable<'a> {
    /// Records `who` for `tp`; returns who held it already, if anyone.
    fn claim(&mut self, tp: &'a TopicPartition, who: &'a str) -> Option<&'a str> {
        let p = usize::try_from(tp.partition).ok()?;
        let slot = self.slot(&tp.topic);
        if slot.len() <= p {
            slot.resize(p + 1, None);
        }
        slot[p].replace(who)
    }

    /// Who holds each partition of one topic (index = partition); empty if nobody.
    fn holders(&self, topic: &str) -> &[Option<&'a str>] {
        self.slots
            .iter()
            .find(|s| s.0 == topic)
            .map_or(&[], |s| s.1.as_slice())
    }

    fn slot(&mut self, topic: &'a str) -> &mut Vec<Option<&'a str>> {
        // Topic names are shared (`TopicName` is an `Rc<str>`): the same pointer is the same
        // topic, and comparing pointers first spares a string comparison per partition.
        let same = |name: &str| std::ptr::eq(name, topic) || name == topic;
        if self.slots.get(self.last).is_none_or(|s| !same(s.0)) {
            self.last = match self.slots.iter().position(|s| same(s.0)) {
                Some(i) => i,
                None => {
                    self.slots.push((topic, Vec::new()));
                    self.slots.len() - 1
                }
            };
        }
        &mut self.slots[self.last].1
    }
}

/// §8.3: an eager member owns nothing from its revocation until its SyncGroup assignment is applied.
fn check_eager_owns_nothing_while_rebalancing(world: &World) -> Result<(), String> {
    for c in world.consumers() {
        if c.is_running()
            && c.protocol == RebalanceProtocol::Eager
            && matches!(
                c.member_state(),
                MemberState::PreparingRebalance | MemberState::CompletingRebalance
            )
            && !c.owned().is_empty()
        {
            return Err(format!(
                "{}: eager consumer {} owns {:?} while {:?}",
                world.now(),
                c.handle,
                c.owned(),
                c.member_state()
            ));
        }
    }
    Ok(())
}

fn check_only_running_consumers_own(world: &World) -> Result<(), String> {
    for c in world.consumers() {
        if !c.is_running() && !c.owned().is_empty() {
            return Err(format!(
                "{}: stopped consumer {} still owns partitions",
                world.now(),
                c.handle
            ));
        }
    }
    Ok(())
}

/// §8.5: in a Stable group no partition is assigned twice; and every subscribed partition the
/// assignment was computed for is assigned exactly once: at once for an all-eager group, after the
/// follow-up round for a group with cooperative members (see `cooperative_round_settled`). Partitions
/// created since then must be assigned too once the leader's metadata shows them, with one exception
/// that is Kafka's own (KIP-814, below).
///
/// "Subscribed" means what the members subscribed to when the generation's join phase completed. A
/// static member that rejoins a Stable group with the same protocol replaces the old member without a
/// rebalance even if it subscribes to other topics (Kafka 4.1.2,
/// `GroupMetadataManager.updateStaticMemberThenRebalanceOrCompleteJoin`: "Static member which joins
/// during Stable stage and doesn't affect the selected protocol will not trigger a rebalance"); the group
/// stays Stable on the old assignment until the client notices the mismatch and rejoins (or, for a
/// widened subscription, until the next rebalance).
///
/// Newer partitions wait for the leader: only its `rejoinNeededOrPending` compares the metadata it
/// assigned from (`assignmentSnapshot`) with the metadata it holds, and only inside `poll()`. While
/// its metadata differs from the cluster's, a rebalance is still to come. The exception: a static
/// leader that came back with `skipAssignment` (its poll timer expired while its application
/// stalled, or it restarted) keeps the group's stored assignment, yet Kafka's
/// `ConsumerCoordinator.onLeaderElected` sets `assignmentSnapshot = metadataSnapshot` on that path
/// too. Partitions its metadata already held are then never seen as new: the group stays Stable with
/// them assigned to nobody until something else rebalances it. The snapshot explains this case
/// (`GroupSnapshot::skipped_assignment_gap`), and the check requires that it names every such
/// partition.
fn check_stable_assignments(world: &World, checker: &InvariantChecker) -> Result<(), String> {
    for g in world.coordinator().groups() {
        if g.state != ClassicGroupState::Stable {
            continue;
        }
        let mut seen = PartitionTable::default();
        for m in g.members_iter() {
            for tp in &m.assignment {
                if seen.claim(tp, &m.member_id).is_some() {
                    return Err(format!(
                        "{}: group {} assigns {tp} twice in generation {}",
                        world.now(),
                        g.group_id,
                        g.generation_id
                    ));
                }
            }
        }
        // What the assignment covers: the subscriptions of its join phase and the metadata the
        // leader computed it from, both of this very generation.
        let Some((_, subscribed)) = checker
            .joined_subscriptions
            .get(&g.group_id)
            .filter(|(generation, _)| *generation == g.generation_id)
        else {
            continue;
        };
        let Some((_, assigned_from)) = checker
            .assigned_from
            .get(&g.group_id)
            .filter(|(generation, _)| *generation == g.generation_id)
        else {
            continue;
        };
        let members: Vec<_> = g
            .members_iter()
            .filter_map(|m| world.consumers().iter().find(|c| c.handle == m.consumer))
            .collect();
        let all_eager = members
            .iter()
            .all(|c| c.protocol == RebalanceProtocol::Eager);
        if !(all_eager || cooperative_round_settled(g, &members)) {
            continue;
        }
        let leader = g
            .leader_id
            .as_ref()
            .and_then(|id| g.member(id))
            .and_then(|m| world.consumers().iter().find(|c| c.handle == m.consumer))
            // A leader that is gone will be expired (or has left): a rebalance is coming.
            .filter(|c| c.is_running());
        // The leader's own view: it rejoins (so a rebalance is coming) once its snapshot differs from
        // the metadata it holds, and it holds the cluster's once its refresh comes.
        let leader_sees_cluster = leader.is_some_and(|l| {
            !l.has_pending_join()
                && l.coordinator
                    .assignment_snapshot
                    .as_ref()
                    .is_some_and(|snapshot| {
                        subscribed
                            .iter()
                            .all(|t| snapshot.get(t) == world.topics().get(t))
                    })
        });
        let gap = leader.is_some_and(|l| l.skipped_assignment_sees_no_change());
        for topic in subscribed {
            let Some(&count) = world.topics().get(topic) else {
                continue;
            };
            let covered = assigned_from.get(topic).copied().unwrap_or(0).min(count);
            let holders = seen.holders(topic);
            let unassigned = (0..count).find(|&p| {
                holders.get(p as usize).copied().flatten().is_none()
                    && (p < covered || (leader_sees_cluster && !gap))
            });
            if let Some(p) = unassigned {
                return Err(format!(
                    "{}: group {} is Stable at generation {} but {} is assigned to nobody",
                    world.now(),
                    g.group_id,
                    g.generation_id,
                    TopicPartition::new(topic, p)
                ));
            }
            if gap {
                // Partitions the leader's metadata holds; newer ones bring a rebalance at its next
                // metadata refresh.
                let known = leader
                    .and_then(|l| l.known_partitions().get(topic).copied())
                    .unwrap_or(0)
                    .min(count);
                check_gap_is_explained(world, g, topic, known, &seen)?;
            }
        }
    }
    Ok(())
}

/// In KIP-814's blind spot, the snapshot's note names every subscribed partition nobody is assigned.
fn check_gap_is_explained(
    world: &World,
    g: &ClassicGroup,
    topic: &str,
    count: i32,
    seen: &PartitionTable,
) -> Result<(), String> {
    let named: Vec<TopicPartition> = world
        .skipped_assignment_gap(g)
        .map(|gap| gap.partitions)
        .unwrap_or_default();
    let holders = seen.holders(topic);
    match (0..count).find(|&p| {
        holders.get(p as usize).copied().flatten().is_none()
            && !named.contains(&TopicPartition::new(topic, p))
    }) {
        Some(p) => Err(format!(
            "{}: group {} leaves {} unassigned after a skipped assignment, and its snapshot does \
             not explain it",
            world.now(),
            g.group_id,
            TopicPartition::new(topic, p)
        )),
        None => Ok(()),
    }
}

/// Whether a group with cooperative members has finished its rebalance. KIP-429's first round is
/// incomplete on purpose: the cooperative-sticky assignor withholds every partition that changes owner
/// until its old owner has revoked it, so the group is Stable with those partitions assigned to nobody.
/// The old owner learns this when `poll()` applies the assignment, revokes, and rejoins; the second round
/// hands the partitions out. So the assignment must be complete only once every member is a running
/// consumer that joined this generation and applied its assignment, with no rejoin requested or under
/// way: then nobody revoked anything in this generation, hence nothing was withheld.
fn cooperative_round_settled(g: &ClassicGroup, members: &[&KafkaConsumer]) -> bool {
    g.members_iter().all(|m| {
        members.iter().any(|c| {
            c.generation().member_id == m.member_id
                && c.is_running()
                && c.generation().generation_id == g.generation_id
                && c.last_assignment_generation() == Some(g.generation_id)
                && !c.has_pending_join()
        })
    })
}
