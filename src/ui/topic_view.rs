//! Each topic's partitions, one row per group, coloured by the consumer consuming them. A partition
//! nobody consumes is hatched grey; one the coordinator assigned but its consumer does not own yet is
//! striped in the assignee's colour.

use super::palette::swatch_for;
use crate::sim::client::ConsumerState;
use crate::sim::snapshot::{ConsumerSnapshot, DeletedTopicHeld, Snapshot, UnseenPartitions};
use crate::sim::time::{format_millis, Millis};
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TopicViewProps {
    pub snapshot: Rc<Snapshot>,
    /// Show only this group (compare columns); all groups when `None`.
    #[prop_or_default]
    pub only_group: Option<String>,
    #[prop_or_default]
    pub compact: bool,
}

/// What one cell shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CellOwner {
    Consuming(String),
    /// Owned, but its consumer is stalled in user code: nothing is consumed.
    Stalled(String),
    /// Assigned by the coordinator; the consumer has not taken it yet (or is revoking).
    Pending(String),
    /// Still assigned to a consumer that is no longer running (crashed or closed): until the
    /// coordinator notices, nobody consumes it.
    Orphaned(String),
    Nobody,
}

/// Groups in the order their first consumer appeared: the order every view lists them in.
pub fn groups_in_order(s: &Snapshot) -> Vec<String> {
    let mut groups: Vec<String> = Vec::new();
    for c in &s.consumers {
        if !groups.contains(&c.group) {
            groups.push(c.group.clone());
        }
    }
    groups
}

/// Partition → cell, for one group on one topic.
pub fn cells(snapshot: &Snapshot, group: &str, topic: &str, partitions: i32) -> Vec<CellOwner> {
    let mut owners: BTreeMap<i32, CellOwner> = BTreeMap::new();
    let members: Vec<&ConsumerSnapshot> = snapshot
        .consumers
        .iter()
        .filter(|c| c.group == group)
        .collect();
    for c in &members {
        let running = c.state.is_running();
        for tp in c
            .assigned_by_coordinator
            .iter()
            .filter(|tp| tp.topic == topic)
        {
            let cell = if running {
                CellOwner::Pending(c.handle.clone())
            } else {
                CellOwner::Orphaned(c.handle.clone())
            };
            owners.insert(tp.partition, cell);
        }
    }
    // Where two consumers believe they own a partition (a stalled member that was pushed out still
    // holds it until its next poll), the one actually consuming wins the cell.
    for c in &members {
        for tp in c.owned.iter().filter(|tp| tp.topic == topic) {
            let cell = if c.state == ConsumerState::Stalled {
                CellOwner::Stalled(c.handle.clone())
            } else {
                CellOwner::Consuming(c.handle.clone())
            };
            let consumed_by_another =
                matches!(owners.get(&tp.partition), Some(CellOwner::Consuming(_)));
            if !(consumed_by_another && matches!(cell, CellOwner::Stalled(_))) {
                owners.insert(tp.partition, cell);
            }
        }
    }
    (0..partitions)
        .map(|p| owners.remove(&p).unwrap_or(CellOwner::Nobody))
        .collect()
}

#[function_component(TopicView)]
pub fn topic_view(props: &TopicViewProps) -> Html {
    let s = &props.snapshot;
    let groups: Vec<String> = match &props.only_group {
        Some(g) => vec![g.clone()],
        None => groups_in_order(s),
    };
    html! {
        <div class={classes!("topics", props.compact.then_some("compact"))}>
            { for groups.iter().flat_map(|g| s.deleted_topics_held(g).into_iter().map(move |d| deleted_note(g, &d, s.now))) }
            if s.topics.is_empty() {
                <p class="empty">{ "No topics. Add one in the Cluster panel." }</p>
            }
            { for s.topics.iter().map(|t| html! {
                <div class="topic" role="region" aria-label={format!("Topic {}", t.name)}>
                    <h3>{ format!("Topic {} · {} partitions", t.name, t.partitions) }</h3>
                    { for groups.iter().filter(|g| subscribes(s, g, &t.name)).map(|g| html! {
                        <div class="strip-row">
                            <span class="strip-group">{ g.clone() }</span>
                            <ol class="partitions" aria-label={format!("Partitions of {} in {}", t.name, g)}>
                                { for cells(s, g, &t.name, t.partitions).into_iter().enumerate().map(|(p, cell)| partition_cell(p, cell)) }
                            </ol>
                        </div>
                    }) }
                    { for groups.iter().filter_map(|g| s.partitions_unseen_by_leader(g, &t.name).map(|u| unseen_note(g, &u, s.now))) }
                </div>
            }) }
        </div>
    }
}

/// "at its next metadata refresh (metadata.max.age.ms) at 05:00.004, in 271.6 s"
fn next_refresh(at: Millis, now: Millis) -> String {
    format!(
        "at its next metadata refresh (metadata.max.age.ms) at {}, in {:.1} s",
        format_millis(at),
        at.saturating_sub(now) as f64 / 1000.0
    )
}

/// Why new partitions sit unconsumed: the leader only learns of them from its periodic metadata refresh.
fn unseen_note(group: &str, u: &UnseenPartitions, now: Millis) -> Html {
    let (range, them) = if u.first == u.last {
        (format!("P{} is", u.first), "it")
    } else {
        (format!("P{}–P{} are", u.first, u.last), "them")
    };
    html! {
        <p class="unseen-note" role="note">
            { format!("{group}: {range} new. Its leader {} learns of {them} {}; then it rejoins and a rebalance hands {them} out.", u.leader, next_refresh(u.refresh_at, now)) }
        </p>
    }
}

/// Why consumers still show partitions of a topic that is gone: nothing tells them until the leader's
/// metadata refresh, and only its rejoin starts the rebalance that drops them.
fn deleted_note(group: &str, d: &DeletedTopicHeld, now: Millis) -> Html {
    let when = match &d.leader {
        Some((leader, at)) => format!(
            "until its leader {leader} sees the deletion {}; then it rejoins and a rebalance drops them",
            next_refresh(*at, now)
        ),
        None => "until the group's next rebalance".to_string(),
    };
    html! {
        <p class="unseen-note" role="note">
            { format!("{group}: topic {} was deleted. {} still {} its partitions {when}.", d.topic, d.holders.join(", "), if d.holders.len() == 1 { "holds" } else { "hold" }) }
        </p>
    }
}

fn subscribes(s: &Snapshot, group: &str, topic: &str) -> bool {
    s.consumers
        .iter()
        .any(|c| c.group == group && c.topics.iter().any(|t| t == topic))
}

fn partition_cell(partition: usize, cell: CellOwner) -> Html {
    let (class, owner, label) = match &cell {
        CellOwner::Consuming(h) => (
            "consuming",
            Some(h),
            format!("Partition {partition}: consumed by {h}"),
        ),
        CellOwner::Stalled(h) => (
            "stopped owned",
            Some(h),
            format!("Partition {partition}: owned by {h}, stalled, nobody consuming"),
        ),
        CellOwner::Pending(h) => (
            "pending",
            Some(h),
            format!("Partition {partition}: assigned to {h}, not consumed yet"),
        ),
        CellOwner::Orphaned(h) => (
            "stopped owned",
            Some(h),
            format!("Partition {partition}: nobody consuming (still assigned to {h}, which is not running)"),
        ),
        CellOwner::Nobody => (
            "stopped",
            None,
            format!("Partition {partition}: nobody consuming"),
        ),
    };
    let style = owner.map(|h| swatch_for(h).style());
    let pattern = owner.map(|h| swatch_for(h).pattern);
    html! {
        <li class={classes!("cell", class, pattern)} style={style} aria-label={label}>
            <span class="pnum">{ format!("P{partition}") }</span>
            <span class="powner">{ owner.cloned().unwrap_or_else(|| "—".into()) }</span>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::lessons::LESSONS;
    use crate::sim::world::{Action, World};

    fn stable_world() -> World {
        let mut world = World::new(&LESSONS[0].scenario()).unwrap();
        world.run_until(15_000);
        world
    }

    #[test]
    fn a_stable_group_consumes_every_partition() {
        let s = stable_world().snapshot();
        let row = cells(&s, "orders-app", "orders", 6);
        assert!(
            row.iter().all(|c| matches!(c, CellOwner::Consuming(_))),
            "{row:?}"
        );
    }

    #[test]
    fn a_crashed_consumers_partitions_are_orphaned_until_the_coordinator_notices() {
        let mut world = stable_world();
        world
            .apply(Action::KillConsumer {
                consumer: "c2".into(),
            })
            .unwrap();
        let row = cells(&world.snapshot(), "orders-app", "orders", 6);
        assert_eq!(row[2], CellOwner::Orphaned("c2".into()));
        assert_eq!(row[3], CellOwner::Orphaned("c2".into()));
        assert_eq!(row[0], CellOwner::Consuming("c1".into()));
    }

    #[test]
    fn a_pushed_out_stalled_member_does_not_hide_the_new_owner() {
        let mut world = stable_world();
        world
            .apply(Action::StallConsumer {
                consumer: "c2".into(),
                ms: 60_000,
            })
            .unwrap();
        world.run_until(60_000);
        let s = world.snapshot();
        let c2 = s.consumers.iter().find(|c| c.handle == "c2").unwrap();
        assert!(
            !c2.owned.is_empty(),
            "the stalled member still believes it owns its partitions"
        );
        let row = cells(&s, "orders-app", "orders", 6);
        assert!(
            row.iter().all(|c| matches!(c, CellOwner::Consuming(_))),
            "{row:?}"
        );
    }
}
