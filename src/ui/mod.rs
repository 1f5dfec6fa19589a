//! The Yew playground. Components render snapshots of the model and send it typed actions;
//! no protocol logic lives here.

pub mod palette;

use crate::sim::split::GroupSplit;
use palette::swatch_for;
use std::rc::Rc;
use yew::prelude::*;

/// What the user can do to the group preview.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SplitAction {
    AddConsumer,
    RemoveConsumer,
    AddPartition,
}

#[derive(Clone, Debug, PartialEq)]
struct SplitState {
    split: GroupSplit,
    notice: Option<String>,
}

impl Reducible for SplitState {
    type Action = SplitAction;

    fn reduce(self: Rc<Self>, action: SplitAction) -> Rc<Self> {
        let mut next = (*self).clone();
        next.notice = None;
        match action {
            SplitAction::AddConsumer => next.split.add_consumer(),
            SplitAction::RemoveConsumer => {
                if !next.split.remove_consumer() {
                    next.notice = Some("The group has no consumer left to remove.".into());
                }
            }
            SplitAction::AddPartition => {
                if !next.split.add_partition() {
                    next.notice = Some(format!(
                        "This playground shows at most {} partitions per topic.",
                        crate::sim::split::MAX_PARTITIONS
                    ));
                }
            }
        }
        Rc::new(next)
    }
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| SplitState {
        split: GroupSplit::new("orders", 6, 3),
        notice: None,
    });
    let on = |action: SplitAction| {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(action))
    };
    let split = &state.split;
    let assignment = split.assignment();
    html! {
        <div class="app">
            <header class="topbar">
                <h1 class="brand">{ "Rebalance Lab" }</h1>
                <p class="tagline">{ "Kafka consumer groups, simulated faithfully" }</p>
            </header>
            <main class="stage">
                <section class="group" aria-label="Consumer group orders-app">
                    <h2>{ format!("Group orders-app · range · {} consumers", split.consumers().len()) }</h2>
                    <div class="toolbar" role="toolbar" aria-label="Group actions">
                        <button onclick={on(SplitAction::AddConsumer)}>{ "Add consumer" }</button>
                        <button onclick={on(SplitAction::RemoveConsumer)}>{ "Remove consumer" }</button>
                        <button onclick={on(SplitAction::AddPartition)}>{ "Add partition" }</button>
                    </div>
                    if let Some(notice) = &state.notice {
                        <p class="notice" role="alert">{ notice }</p>
                    }
                    <ul class="cards" aria-label="Consumers">
                        { for assignment.iter().map(|(member, parts)| consumer_card(member, parts)) }
                    </ul>
                </section>
                <section class="topic" aria-label={format!("Topic {}", split.topic())}>
                    <h2>{ format!("Topic {} · {} partitions", split.topic(), split.partitions()) }</h2>
                    <ol class="partitions" aria-label="Partitions">
                        { for split.owners().iter().enumerate().map(|(p, owner)| partition_cell(p, owner.as_deref())) }
                    </ol>
                </section>
            </main>
        </div>
    }
}

fn consumer_card(member: &str, partitions: &[i32]) -> Html {
    let swatch = swatch_for(member);
    let idle = partitions.is_empty();
    let owned = if idle {
        "idle".to_string()
    } else {
        partitions
            .iter()
            .map(|p| format!("P{p}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    html! {
        <li class={classes!("card", idle.then_some("idle"))} data-consumer={member.to_string()}
            style={format!("--owner:{}", swatch.colour)} aria-label={format!("Consumer {member}")}>
            <span class="dot" aria-hidden="true"></span>
            <strong class="name">{ member }</strong>
            <span class="owned" data-testid="owned">{ owned }</span>
        </li>
    }
}

fn partition_cell(partition: usize, owner: Option<&str>) -> Html {
    match owner {
        Some(owner) => {
            let swatch = swatch_for(owner);
            html! {
                <li class={classes!("cell", swatch.pattern)} data-owner={owner.to_string()}
                    style={format!("--owner:{};--on-owner:{}", swatch.colour, swatch.ink)}
                    aria-label={format!("Partition {partition}, owned by {owner}")}>
                    <span class="pnum">{ format!("P{partition}") }</span>
                    <span class="powner">{ owner }</span>
                </li>
            }
        }
        None => html! {
            <li class="cell stopped" aria-label={format!("Partition {partition}, nobody consuming")}>
                <span class="pnum">{ format!("P{partition}") }</span>
                <span class="powner">{ "—" }</span>
            </li>
        },
    }
}
