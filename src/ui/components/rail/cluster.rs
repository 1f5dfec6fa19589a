//! The cluster: the coordinator, the topics (add partitions, set a count, delete, add a topic) and the
//! groups (add another group on the first topic).

use crate::sim::scenario::ConfigOverrides;
use crate::sim::{Action, Snapshot};
use crate::ui::components::forms::{input_value, notice_at};
use crate::ui::components::rail::producers::ProducerControls;
use crate::ui::state::{groups_in_order, Dispatch, Notice, NoticeAt, PageAction};
use std::rc::Rc;
use yew::prelude::*;

/// Names offered for groups added from the page, in order.
const GROUP_NAMES: [&str; 4] = ["analytics", "audit", "billing", "search"];

#[derive(Properties, PartialEq)]
pub struct ClusterProps {
    pub dispatch: Dispatch,
    pub snapshot: Rc<Snapshot>,
    pub notice: Option<Notice>,
}

#[function_component(ClusterView)]
pub fn cluster_view(props: &ClusterProps) -> Html {
    let new_topic = use_state(|| ("payments".to_string(), "3".to_string()));
    let counts = use_state(std::collections::BTreeMap::<String, String>::new);
    let s = &props.snapshot;
    let act = |action: Action| {
        let page = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            page.dispatch(PageAction::Do(action.clone(), NoticeAt::Cluster))
        })
    };
    let add_topic = {
        let page = props.dispatch.clone();
        let new_topic = new_topic.clone();
        Callback::from(move |_: MouseEvent| {
            let (name, count) = (*new_topic).clone();
            match count.trim().parse::<i32>() {
                Ok(partitions) => page.dispatch(PageAction::Do(
                    Action::AddTopic { name, partitions },
                    NoticeAt::Cluster,
                )),
                Err(_) => page.dispatch(PageAction::Refuse(
                    NoticeAt::Cluster,
                    format!("The partition count must be a whole number, not \"{count}\"."),
                )),
            }
        })
    };
    let groups = groups_in_order(s);
    let next_group = GROUP_NAMES
        .iter()
        .find(|g| !groups.iter().any(|x| x == *g))
        .map(|g| g.to_string());
    let first_topic = s.topics.first().map(|t| t.name.clone());
    let add_group = {
        let page = props.dispatch.clone();
        let next_group = next_group.clone();
        let first_topic = first_topic.clone();
        Callback::from(move |_: MouseEvent| match (&next_group, &first_topic) {
            (Some(group), Some(topic)) => {
                for _ in 0..2 {
                    page.dispatch(PageAction::Do(
                        Action::AddConsumer {
                            group: group.clone(),
                            topics: vec![topic.clone()],
                            config: ConfigOverrides::new(),
                        },
                        NoticeAt::Cluster,
                    ));
                }
            }
            (None, _) => page.dispatch(PageAction::Refuse(
                NoticeAt::Cluster,
                "This page offers up to five groups.".into(),
            )),
            (_, None) => page.dispatch(PageAction::Refuse(
                NoticeAt::Cluster,
                "Create a topic first: a group needs something to read.".into(),
            )),
        })
    };
    html! {
        <section class="rail-block" aria-label="Cluster overview">
            <h2>{ "Cluster" }</h2>
            <p class="coordinator">{ "Broker 1 · group coordinator for every group" }</p>
            <h3>{ "Topics" }</h3>
            <ul class="topic-list">
                { for s.topics.iter().map(|t| {
                    let name = t.name.clone();
                    let typed = counts.get(&name).cloned().unwrap_or_else(|| t.partitions.to_string());
                    let on_count = {
                        let counts = counts.clone();
                        let name = name.clone();
                        Callback::from(move |e: Event| {
                            let mut next = (*counts).clone();
                            next.insert(name.clone(), input_value(&e));
                            counts.set(next);
                        })
                    };
                    let set_count = {
                        let page = props.dispatch.clone();
                        let name = name.clone();
                        let typed = typed.clone();
                        Callback::from(move |_: MouseEvent| match typed.trim().parse::<i32>() {
                            Ok(total) => page.dispatch(PageAction::Do(Action::AddPartitions { topic: name.clone(), total }, NoticeAt::Cluster)),
                            Err(_) => page.dispatch(PageAction::Refuse(NoticeAt::Cluster, format!("The partition count must be a whole number, not \"{typed}\"."))),
                        })
                    };
                    html! {
                        <li>
                            <div class="topic-line"><strong>{ &t.name }</strong><span>{ format!("{} partitions", t.partitions) }</span></div>
                            <div class="topic-actions">
                                <button aria-label={format!("Add partition to {}", t.name)} onclick={act(Action::AddPartitions { topic: t.name.clone(), total: t.partitions + 1 })}>{ "+ partition" }</button>
                                <input type="number" class="narrow" aria-label={format!("Partition count of {}", t.name)} value={typed} onchange={on_count} />
                                <button aria-label={format!("Set partition count of {}", t.name)} onclick={set_count}>{ "Set" }</button>
                                <button class="danger" aria-label={format!("Delete topic {}", t.name)} onclick={act(Action::DeleteTopic { name: t.name.clone() })}>{ "Delete" }</button>
                            </div>
                        </li>
                    }
                }) }
            </ul>
            <div class="inline-form">
                <input aria-label="New topic name" value={new_topic.0.clone()} onchange={{
                    let new_topic = new_topic.clone();
                    Callback::from(move |e: Event| new_topic.set((input_value(&e), new_topic.1.clone())))
                }} />
                <input type="number" class="narrow" aria-label="New topic partitions" value={new_topic.1.clone()} onchange={{
                    let new_topic = new_topic.clone();
                    Callback::from(move |e: Event| new_topic.set((new_topic.0.clone(), input_value(&e))))
                }} />
                <button onclick={add_topic}>{ "Add topic" }</button>
            </div>
            <h3>{ "Groups" }</h3>
            <ul class="group-list">
                { for groups.iter().map(|g| {
                    // Only running processes count as the group's consumers; stopped ones are said apart.
                    let (running, stopped) = s.consumers.iter().filter(|c| &c.group == g)
                        .fold((0, 0), |(r, d), c| if c.state.is_running() { (r + 1, d) } else { (r, d + 1) });
                    let count = format!(" · {running} consumer{}", if running == 1 { "" } else { "s" });
                    let stopped = if stopped > 0 { format!(" · {stopped} stopped") } else { String::new() };
                    html! { <li><strong>{ g }</strong>{ count }{ stopped }</li> }
                }) }
            </ul>
            if !s.producers.is_empty() {
                <ProducerControls dispatch={props.dispatch.clone()} producers={s.producers.clone()} />
            }
            <button aria-label="Add group" onclick={add_group}>{ match &next_group { Some(g) => format!("+ group {g} (2 consumers)"), None => "+ group".to_string() } }</button>
            { notice_at(&props.notice, NoticeAt::Cluster) }
        </section>
    }
}
