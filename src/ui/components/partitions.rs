//! Each topic's partitions, one row per group, coloured by the consumer consuming them. A partition
//! nobody consumes is hatched grey; one the coordinator assigned but its consumer does not own yet is
//! striped in the assignee's colour.

use crate::session::explain::topics;
use crate::sim::consumption::{partition_consumers, PartitionConsumer};
use crate::sim::snapshot::{DeletedTopicHeld, UnseenPartitions};
use crate::sim::time::Millis;
use crate::sim::Snapshot;
use crate::ui::components::palette::swatch_for;
use crate::ui::components::records::PartitionLogs;
use crate::ui::state::groups_in_order;
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
            { for groups.iter().filter_map(|g| topics::skipped_assignment_note(s, g)).map(skipped_assignment_note) }
            if s.topics.is_empty() {
                <p class="empty">{ "No topics. Add one in the Cluster panel." }</p>
            }
            { for s.topics.iter().map(|t| html! {
                <div class="topic" role="region" aria-label={format!("Topic {}", t.name)}>
                    <h3>{ format!("Topic {} · {} partitions", t.name, t.partitions) }</h3>
                    { for groups.iter().filter(|g| subscribes(s, g, &t.name)).map(|g| html! { <>
                        <div class="strip-row">
                            <span class="strip-group">{ g.clone() }</span>
                            <PartitionStrip label={format!("Partitions of {} in {}", t.name, g)}
                                cells={Rc::new(partition_consumers(s, g, &t.name))} />
                        </div>
                        { record_logs(s, g, &t.name) }
                    </> }) }
                    { for groups.iter().filter_map(|g| s.partitions_unseen_by_leader(g, &t.name).map(|u| unseen_note(g, &u, s.now))) }
                </div>
            }) }
        </div>
    }
}

/// Why new partitions sit unconsumed: the leader only learns of them from its periodic metadata refresh.
fn unseen_note(group: &str, u: &UnseenPartitions, now: Millis) -> Html {
    html! { <p class="unseen-note" role="note">{ topics::unseen_note(group, u, now) }</p> }
}

/// Why consumers still show partitions of a topic that is gone, and what the lab assumes there.
fn deleted_note(group: &str, d: &DeletedTopicHeld, now: Millis) -> Html {
    html! { <p class="unseen-note" role="note">{ topics::deleted_note(group, d, now) }</p> }
}

/// Why a Stable group leaves partitions to nobody: its static leader skipped the assignment (KIP-814).
fn skipped_assignment_note(text: String) -> Html {
    html! { <p class="unseen-note" role="note">{ text }</p> }
}

/// With producers: the group's view of each partition's log.
fn record_logs(s: &Snapshot, group: &str, topic: &str) -> Html {
    let logs: Vec<_> = s
        .partition_logs
        .iter()
        .filter(|l| l.lag.group == group && l.lag.partition.topic.as_str() == topic)
        .cloned()
        .collect();
    if logs.is_empty() {
        return Html::default();
    }
    html! { <PartitionLogs group={group.to_string()} topic={topic.to_string()} {logs} /> }
}

fn subscribes(s: &Snapshot, group: &str, topic: &str) -> bool {
    s.consumers
        .iter()
        .any(|c| c.group == group && c.topics.iter().any(|t| t == topic))
}

/// Above this many partitions a strip is rendered only near the viewport.
const MANY_PARTITIONS: usize = 48;

#[derive(Properties, PartialEq)]
struct PartitionStripProps {
    label: String,
    /// Who consumes each partition; equal from one frame to the next except around a rebalance.
    cells: Rc<Vec<PartitionConsumer>>,
}

/// A group's partitions of one topic: its own component, so it is rebuilt only when a cell changes
/// (500 partitions would otherwise be rebuilt every frame).
#[function_component(PartitionStrip)]
fn partition_strip(props: &PartitionStripProps) -> Html {
    // Only a long strip is left unrendered out of view (`.partitions.many`): a short one costs
    // nothing to draw, and skipping it left a blank placeholder of the long strip's height that
    // showed for a frame when a lane was scrolled to, then collapsed.
    let many = (props.cells.len() > MANY_PARTITIONS).then_some("many");
    html! {
        <ol class={classes!("partitions", many)} aria-label={props.label.clone()}>
            { for props.cells.iter().enumerate().map(|(p, who)| partition_cell(p, who.clone())) }
        </ol>
    }
}

/// One partition in the colour and name of whoever holds it; how it is drawn says whether it is consumed.
fn partition_cell(partition: usize, who: PartitionConsumer) -> Html {
    let owner = who.holder();
    let (class, label) = match &who {
        PartitionConsumer::Consuming(h) => (
            "consuming",
            format!("Partition {partition}: consumed by {h}"),
        ),
        PartitionConsumer::Stalled(h) => (
            "stopped owned",
            format!("Partition {partition}: owned by {h}, stalled, nobody consuming"),
        ),
        PartitionConsumer::Pending(h) => (
            "pending",
            format!("Partition {partition}: assigned to {h}, not consumed yet"),
        ),
        PartitionConsumer::Orphaned(h) => (
            "stopped owned",
            format!("Partition {partition}: nobody consuming (still assigned to {h}, which is not running)"),
        ),
        PartitionConsumer::Nobody => (
            "stopped",
            format!("Partition {partition}: nobody consuming"),
        ),
    };
    let style = owner.map(|h| swatch_for(h).style());
    let pattern = owner.map(|h| swatch_for(h).pattern);
    html! {
        <li class={classes!("cell", class, pattern)} style={style} aria-label={label}>
            <span class="pnum">{ format!("P{partition}") }</span>
            <span class="powner">{ owner.unwrap_or("—").to_string() }</span>
        </li>
    }
}
