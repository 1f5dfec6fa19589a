//! The producer control (scenarios with producers): each producer's topic, rate and keys, and a form to
//! change its rate (0 pauses it) and whether its records are keyed, and a button that sends one poison
//! pill to a chosen partition.

use crate::session::explain::{poison_pill, records};
use crate::sim::snapshot::ProducerSnapshot;
use crate::sim::Action;
use crate::ui::components::forms::input_value;
use crate::ui::state::{Dispatch, NoticeAt, PageAction};
use std::collections::BTreeMap;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ProducerControlsProps {
    pub dispatch: Dispatch,
    pub producers: Vec<ProducerSnapshot>,
}

#[function_component(ProducerControls)]
pub fn producer_controls(props: &ProducerControlsProps) -> Html {
    // What the learner typed, per producer: (records per second, keys).
    let typed = use_state(BTreeMap::<String, (String, String)>::new);
    // The partition typed for each producer's poison pill.
    let pill_partition = use_state(BTreeMap::<String, String>::new);
    html! {
        <>
            <h3>{ "Producers" }</h3>
            <ul class="producer-list">
                { for props.producers.iter().map(|p| {
                    let (rate, keys) = typed
                        .get(&p.handle)
                        .cloned()
                        .unwrap_or_else(|| (p.records_per_sec.to_string(), p.keys.to_string()));
                    let on = |which: usize| {
                        let typed = typed.clone();
                        let handle = p.handle.clone();
                        let (rate, keys) = (rate.clone(), keys.clone());
                        Callback::from(move |e: Event| {
                            let mut next = (*typed).clone();
                            let value = input_value(&e);
                            let entry = if which == 0 { (value, keys.clone()) } else { (rate.clone(), value) };
                            next.insert(handle.clone(), entry);
                            typed.set(next);
                        })
                    };
                    let set = {
                        let page = props.dispatch.clone();
                        let handle = p.handle.clone();
                        let (rate, keys) = (rate.clone(), keys.clone());
                        Callback::from(move |_: MouseEvent| {
                            match (rate.trim().parse::<u32>(), keys.trim().parse::<u32>()) {
                                (Ok(records_per_sec), Ok(keys)) => page.dispatch(PageAction::Do(
                                    Action::SetProducerRate { producer: handle.clone(), records_per_sec, keys },
                                    NoticeAt::Cluster,
                                )),
                                _ => page.dispatch(PageAction::Refuse(
                                    NoticeAt::Cluster,
                                    records::producer_input_refused(&rate, &keys),
                                )),
                            }
                        })
                    };
                    let (on_rate, on_keys) = (on(0), on(1));
                    let partition = pill_partition.get(&p.handle).cloned().unwrap_or_else(|| "0".to_string());
                    let on_partition = {
                        let pill_partition = pill_partition.clone();
                        let handle = p.handle.clone();
                        Callback::from(move |e: Event| {
                            let mut next = (*pill_partition).clone();
                            next.insert(handle.clone(), input_value(&e));
                            pill_partition.set(next);
                        })
                    };
                    let pill = {
                        let page = props.dispatch.clone();
                        let handle = p.handle.clone();
                        let partition = partition.clone();
                        Callback::from(move |_: MouseEvent| match partition.trim().parse::<i32>() {
                            Ok(partition) => page.dispatch(PageAction::Do(
                                Action::ProducePoisonPill { producer: handle.clone(), partition },
                                NoticeAt::Cluster,
                            )),
                            Err(_) => page.dispatch(PageAction::Refuse(
                                NoticeAt::Cluster,
                                poison_pill::partition_input_refused(&partition),
                            )),
                        })
                    };
                    html! {
                        <li>
                            <div class="topic-line"><strong>{ format!("{} → {}", p.handle, p.topic) }</strong>
                                <span aria-label={format!("Producer {} rate", p.handle)}>{ records::producer_line(p.records_per_sec, p.keys, p.records_sent) }</span></div>
                            <div class="topic-actions">
                                <label class="field-inline">{ "records/s " }
                                    <input type="number" class="narrow" min="0" aria-label={format!("Records per second of {}", p.handle)} value={rate.clone()} onchange={on_rate} />
                                </label>
                                <label class="field-inline">{ "keys " }
                                    <input type="number" class="narrow" min="0" aria-label={format!("Keys of {}", p.handle)} value={keys.clone()} onchange={on_keys} />
                                </label>
                                <button aria-label={format!("Set rate of {}", p.handle)} onclick={set}>{ "Set" }</button>
                            </div>
                            <div class="topic-actions">
                                <label class="field-inline">{ "pill at partition " }
                                    <input type="number" class="narrow" min="0" aria-label={format!("Poison pill partition of {}", p.handle)} value={partition} onchange={on_partition} />
                                </label>
                                <button class="danger" aria-label={format!("Poison pill from {}", p.handle)}
                                    title={poison_pill::poison_pill_title()} onclick={pill}>{ "Poison pill" }</button>
                            </div>
                            if let Some(moved) = &p.keys_moved {
                                <p class="hint" role="note" aria-label={format!("Keys moved by {}", p.handle)}>{ records::keys_moved_line(&p.topic, moved) }</p>
                            }
                        </li>
                    }
                }) }
            </ul>
            <p class="hint">{ records::producer_hint() }</p>
        </>
    }
}
