//! How a consumer's state and partitions read on the page.

use crate::sim::assign::TopicPartition;
use crate::sim::vocab::ConsumerState;
use yew::prelude::*;

/// One word per state, where space is short (compare mode's rows).
pub fn state_word(state: &ConsumerState) -> &'static str {
    match state {
        ConsumerState::Unjoined => "unjoined",
        ConsumerState::Joining => "joining",
        ConsumerState::Syncing => "syncing",
        ConsumerState::Stable => "stable",
        ConsumerState::Rejoining => "revoking",
        ConsumerState::Reconciling => "reconciling",
        ConsumerState::Stalled => "stalled",
        ConsumerState::Dead => "dead",
        ConsumerState::Closing => "closing",
        ConsumerState::Closed => "closed",
        ConsumerState::Fenced(_) => "fenced",
        ConsumerState::Failed(_) => "failed",
        ConsumerState::Hung(_) => "hung",
    }
}

/// The state as a card says it: a rejoining eager member is revoking first.
pub fn state_label(state: &ConsumerState) -> String {
    match state {
        ConsumerState::Rejoining => "revoking / rejoining".into(),
        other => state_word(other).into(),
    }
}

/// "P0 P3" for one topic, "orders-0 payments-1" across topics, "—" for none.
pub fn partition_list(partitions: &[TopicPartition]) -> String {
    if partitions.is_empty() {
        return "—".into();
    }
    partition_labels(partitions).join(" ")
}

/// The same list for a card, each partition kept on one line: a browser may break a line after a
/// hyphen, which split `t0-104` into `t0-` and `104`. The text is the same as [`partition_list`]'s.
pub fn partition_items(partitions: &[TopicPartition]) -> Html {
    if partitions.is_empty() {
        return html! { "—" };
    }
    let labels = partition_labels(partitions);
    let last = labels.len() - 1;
    html! {
        { for labels.into_iter().enumerate().map(|(i, label)| html! {
            <><span class="tp">{ label }</span>{ if i < last { " " } else { "" } }</>
        }) }
    }
}

fn partition_labels(partitions: &[TopicPartition]) -> Vec<String> {
    let single_topic = partitions.windows(2).all(|w| w[0].topic == w[1].topic);
    partitions
        .iter()
        .map(|tp| {
            if single_topic {
                format!("P{}", tp.partition)
            } else {
                tp.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::partition_list;
    use crate::sim::assign::TopicPartition;

    #[test]
    fn partitions_name_their_topic_only_when_there_are_several() {
        let orders = |p| TopicPartition::new("orders", p);
        assert_eq!(partition_list(&[]), "—");
        assert_eq!(partition_list(&[orders(0), orders(3)]), "P0 P3");
        assert_eq!(
            partition_list(&[orders(0), TopicPartition::new("payments", 1)]),
            "orders-0 payments-1"
        );
    }
}
