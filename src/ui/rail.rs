//! The left rail: the cluster (coordinator, topics, groups), the protocol choice and comparison, and
//! the form that adds a consumer with its configuration.

use super::state::{Dispatch, Notice, NoticeAt, PageAction};
use crate::session::Strategy;
use crate::sim::scenario::{ConfigOverrides, ConfigValue};
use crate::sim::snapshot::Snapshot;
use crate::sim::world::Action;
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Names offered for groups added from the page, in order.
const GROUP_NAMES: [&str; 4] = ["analytics", "audit", "billing", "search"];

const DESERIALIZERS: [&str; 4] = [
    "org.apache.kafka.common.serialization.StringDeserializer",
    "org.apache.kafka.common.serialization.ByteArrayDeserializer",
    "org.apache.kafka.common.serialization.LongDeserializer",
    "io.confluent.kafka.serializers.KafkaAvroDeserializer",
];

#[derive(Properties, PartialEq)]
pub struct RailProps {
    pub dispatch: Dispatch,
    pub snapshot: Rc<Snapshot>,
    pub strategies: Vec<Strategy>,
    pub notice: Option<Notice>,
}

fn input_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

fn notice_at(notice: &Option<Notice>, at: NoticeAt) -> Html {
    match notice {
        Some(n) if n.at == at => html! { <p class="notice" role="alert">{ &n.text }</p> },
        _ => html! {},
    }
}

#[function_component(Rail)]
pub fn rail(props: &RailProps) -> Html {
    html! {
        <aside class="rail" aria-label="Cluster">
            <StrategyPicker dispatch={props.dispatch.clone()} strategies={props.strategies.clone()} />
            <ClusterView dispatch={props.dispatch.clone()} snapshot={props.snapshot.clone()} notice={props.notice.clone()} />
            <AddConsumerForm dispatch={props.dispatch.clone()} snapshot={props.snapshot.clone()} notice={props.notice.clone()} />
        </aside>
    }
}

#[derive(Properties, PartialEq)]
struct StrategyProps {
    dispatch: Dispatch,
    strategies: Vec<Strategy>,
}

#[function_component(StrategyPicker)]
fn strategy_picker(props: &StrategyProps) -> Html {
    let comparing = props.strategies.len() > 1;
    let on_main = {
        let page = props.dispatch.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(s) = Strategy::from_short(&value) {
                page.dispatch(PageAction::SetStrategies(vec![s]));
            }
        })
    };
    let toggle_compare = {
        let page = props.dispatch.clone();
        let strategies = props.strategies.clone();
        Callback::from(move |_: MouseEvent| {
            let next = if strategies.len() > 1 {
                vec![strategies[0]]
            } else {
                vec![Strategy::EagerRange, Strategy::CooperativeSticky]
            };
            page.dispatch(PageAction::SetStrategies(next));
        })
    };
    html! {
        <section class="rail-block" aria-label="Protocol">
            <h2>{ "Protocol & assignor" }</h2>
            if !comparing {
                <label class="field">
                    <span>{ "partition.assignment.strategy" }</span>
                    <select aria-label="Protocol and assignor" onchange={on_main}>
                        { for Strategy::ALL.iter().map(|s| html! { <option value={s.short()} selected={*s == props.strategies[0]}>{ s.label() }</option> }) }
                    </select>
                </label>
            } else {
                <fieldset class="compare-pick">
                    <legend>{ "Compared side by side (2 or 3)" }</legend>
                    { for Strategy::ALL.iter().skip(1).map(|&s| {
                        let page = props.dispatch.clone();
                        let current = props.strategies.clone();
                        let checked = current.contains(&s);
                        let onchange = Callback::from(move |_: Event| {
                            let mut next: Vec<Strategy> = current.iter().copied().filter(|x| *x != s).collect();
                            if !checked { next.push(s); }
                            next.sort_by_key(|x| Strategy::ALL.iter().position(|y| y == x));
                            if (2..=3).contains(&next.len()) {
                                page.dispatch(PageAction::SetStrategies(next));
                            } else {
                                page.dispatch(PageAction::Refuse(NoticeAt::Page, "Compare needs two or three strategies.".into()));
                            }
                        });
                        html! { <label class="toggle"><input type="checkbox" aria-label={format!("Compare {}", s.label())} checked={checked} onchange={onchange} />{ s.label() }</label> }
                    }) }
                </fieldset>
            }
            <button class={classes!(comparing.then_some("active"))} aria-pressed={comparing.to_string()} onclick={toggle_compare}>
                { if comparing { "Stop comparing" } else { "Compare protocols" } }
            </button>
            <p class="hint">{ "Changing the strategy replays your actions from time zero under it." }</p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ClusterProps {
    dispatch: Dispatch,
    snapshot: Rc<Snapshot>,
    notice: Option<Notice>,
}

#[function_component(ClusterView)]
fn cluster_view(props: &ClusterProps) -> Html {
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
    let groups = super::state::groups_in_order(s);
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
                    let n = s.consumers.iter().filter(|c| &c.group == g).count();
                    html! { <li><strong>{ g }</strong>{ format!(" · {n} consumer{}", if n == 1 { "" } else { "s" }) }</li> }
                }) }
            </ul>
            <button aria-label="Add group" onclick={add_group}>{ match &next_group { Some(g) => format!("+ group {g} (2 consumers)"), None => "+ group".to_string() } }</button>
            { notice_at(&props.notice, NoticeAt::Cluster) }
        </section>
    }
}

/// The fields of the add-consumer form, as typed.
#[derive(Clone, PartialEq)]
struct ConsumerForm {
    group: String,
    topics: String,
    instance_id: String,
    session_timeout_ms: String,
    heartbeat_interval_ms: String,
    max_poll_interval_ms: String,
    processing_time_ms: String,
    poll_timeout_ms: String,
    key_deserializer: String,
    value_deserializer: String,
}

#[derive(Properties, PartialEq)]
struct FormProps {
    dispatch: Dispatch,
    snapshot: Rc<Snapshot>,
    notice: Option<Notice>,
}

#[function_component(AddConsumerForm)]
fn add_consumer_form(props: &FormProps) -> Html {
    let s = &props.snapshot;
    let group_default = s
        .consumers
        .first()
        .map(|c| c.group.clone())
        .unwrap_or_else(|| "orders-app".into());
    let topic_default = s.topics.first().map(|t| t.name.clone()).unwrap_or_default();
    let form = use_state(|| ConsumerForm {
        group: group_default,
        topics: topic_default,
        instance_id: String::new(),
        session_timeout_ms: String::new(),
        heartbeat_interval_ms: String::new(),
        max_poll_interval_ms: String::new(),
        processing_time_ms: String::new(),
        poll_timeout_ms: String::new(),
        key_deserializer: DESERIALIZERS[0].into(),
        value_deserializer: DESERIALIZERS[0].into(),
    });
    let field = |label: &'static str,
                 hint: &'static str,
                 get: fn(&ConsumerForm) -> &String,
                 set: fn(&mut ConsumerForm, String)| {
        let form = form.clone();
        let value = get(&form).clone();
        html! {
            <label class="field">
                <span>{ label }</span>
                <input aria-label={label} placeholder={hint} value={value} onchange={Callback::from(move |e: Event| {
                    let mut next = (*form).clone();
                    set(&mut next, input_value(&e));
                    form.set(next);
                })} />
            </label>
        }
    };
    let deserializer = |label: &'static str,
                        get: fn(&ConsumerForm) -> &String,
                        set: fn(&mut ConsumerForm, String)| {
        let form = form.clone();
        let current = get(&form).clone();
        html! {
            <label class="field">
                <span>{ label }</span>
                <select aria-label={label} onchange={Callback::from(move |e: Event| {
                    let mut next = (*form).clone();
                    set(&mut next, e.target_unchecked_into::<HtmlSelectElement>().value());
                    form.set(next);
                })}>
                    { for DESERIALIZERS.iter().map(|d| html! { <option value={*d} selected={*d == current}>{ d.rsplit('.').next().unwrap_or(d) }</option> }) }
                </select>
            </label>
        }
    };
    let submit = {
        let page = props.dispatch.clone();
        let form = form.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let f = (*form).clone();
            let topics: Vec<String> = f
                .topics
                .split(',')
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect();
            let mut config = ConfigOverrides::new();
            let mut put = |name: &str, value: &str| {
                if !value.trim().is_empty() {
                    config.insert(name.to_string(), ConfigValue(value.trim().to_string()));
                }
            };
            put("group.instance.id", &f.instance_id);
            put("session.timeout.ms", &f.session_timeout_ms);
            put("heartbeat.interval.ms", &f.heartbeat_interval_ms);
            put("max.poll.interval.ms", &f.max_poll_interval_ms);
            put("processing.time.ms", &f.processing_time_ms);
            put("poll.timeout.ms", &f.poll_timeout_ms);
            put("key.deserializer", &f.key_deserializer);
            put("value.deserializer", &f.value_deserializer);
            page.dispatch(PageAction::Do(
                Action::AddConsumer {
                    group: f.group.trim().to_string(),
                    topics,
                    config,
                },
                NoticeAt::AddConsumer,
            ));
        })
    };
    html! {
        <section class="rail-block" aria-label="Add a consumer">
            <h2>{ "New consumer" }</h2>
            <form class="consumer-form" onsubmit={submit}>
                { field("group.id", "orders-app", |f| &f.group, |f, v| f.group = v) }
                { field("topics", "orders", |f| &f.topics, |f, v| f.topics = v) }
                { field("group.instance.id", "empty: dynamic member", |f| &f.instance_id, |f, v| f.instance_id = v) }
                { field("session.timeout.ms", "group default", |f| &f.session_timeout_ms, |f, v| f.session_timeout_ms = v) }
                { field("heartbeat.interval.ms", "group default", |f| &f.heartbeat_interval_ms, |f, v| f.heartbeat_interval_ms = v) }
                { field("max.poll.interval.ms", "group default", |f| &f.max_poll_interval_ms, |f, v| f.max_poll_interval_ms = v) }
                { field("processing time per poll (ms)", "50", |f| &f.processing_time_ms, |f, v| f.processing_time_ms = v) }
                { field("poll timeout (ms), 0 = poll(0)", "100", |f| &f.poll_timeout_ms, |f, v| f.poll_timeout_ms = v) }
                { deserializer("key.deserializer", |f| &f.key_deserializer, |f, v| f.key_deserializer = v) }
                { deserializer("value.deserializer", |f| &f.value_deserializer, |f, v| f.value_deserializer = v) }
                <button type="submit" class="primary">{ "Add consumer" }</button>
            </form>
            { notice_at(&props.notice, NoticeAt::AddConsumer) }
        </section>
    }
}
