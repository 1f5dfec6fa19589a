//! The new-consumer form: group.id, topics, group.instance.id, the timeouts, the simulated
//! application's processing and poll times, and the deserializers.

use crate::sim::scenario::{ConfigOverrides, ConfigValue};
use crate::sim::serialization::CONNECT_JSON_DESERIALIZER;
use crate::sim::{Action, Snapshot};
use crate::ui::components::forms::{input_value, notice_at};
use crate::ui::state::{Dispatch, Notice, NoticeAt, PageAction};
use std::rc::Rc;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Deserializers offered: Kafka's own, which need no other setting — kafka-clients' String, Integer,
/// Long and ByteArray, and Connect's JSON one (kafka-clients has none; `connect-json` does).
/// (Confluent's Avro one would need `schema.registry.url` and a Schema Registry; a scenario file may
/// still name it, and the Code tab then writes the setting it needs.)
pub const DESERIALIZERS: [&str; 5] = [
    "org.apache.kafka.common.serialization.StringDeserializer",
    "org.apache.kafka.common.serialization.IntegerDeserializer",
    "org.apache.kafka.common.serialization.LongDeserializer",
    "org.apache.kafka.common.serialization.ByteArrayDeserializer",
    CONNECT_JSON_DESERIALIZER,
];

/// How the form names a deserializer class: its simple name, and for Connect's JSON one where it
/// comes from.
fn deserializer_label(class: &str) -> String {
    let simple = class.rsplit('.').next().unwrap_or(class);
    if class == CONNECT_JSON_DESERIALIZER {
        format!("{simple} (Connect's, from the connect-json artifact)")
    } else {
        simple.to_string()
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
pub struct FormProps {
    pub dispatch: Dispatch,
    pub snapshot: Rc<Snapshot>,
    pub notice: Option<Notice>,
}

#[function_component(AddConsumerForm)]
pub fn add_consumer_form(props: &FormProps) -> Html {
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
                    { for DESERIALIZERS.iter().map(|d| html! { <option value={*d} selected={*d == current}>{ deserializer_label(d) }</option> }) }
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
                { field("poll timeout (ms), 0 = poll(Duration.ZERO)", "100", |f| &f.poll_timeout_ms, |f, v| f.poll_timeout_ms = v) }
                { deserializer("key.deserializer", |f| &f.key_deserializer, |f, v| f.key_deserializer = v) }
                { deserializer("value.deserializer", |f| &f.value_deserializer, |f, v| f.value_deserializer = v) }
                <button type="submit" class="primary">{ "Add consumer" }</button>
            </form>
            { notice_at(&props.notice, NoticeAt::AddConsumer) }
        </section>
    }
}
