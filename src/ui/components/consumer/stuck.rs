//! A consumer stuck on a record it cannot deserialize: the exception every `poll()` throws, on its
//! card, and the "Seek past" button (the application's `seek(partition, offset + 1)`). The words are
//! `session::explain::poison_pill`'s.

use crate::session::explain::poison_pill::{seek_past_title, stuck_headline, stuck_more};
use crate::sim::snapshot::StuckOnRecord;
use crate::sim::Action;
use crate::ui::state::{Dispatch, NoticeAt, PageAction};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct StuckOnRecordProps {
    pub dispatch: Dispatch,
    pub handle: String,
    pub stuck: StuckOnRecord,
}

#[function_component(StuckOnRecordNote)]
pub fn stuck_on_record_note(props: &StuckOnRecordProps) -> Html {
    let h = &props.handle;
    let seek = {
        let dispatch = props.dispatch.clone();
        let handle = h.clone();
        Callback::from(move |e: MouseEvent| {
            // The click acts; it does not also select the card.
            e.stop_propagation();
            dispatch.dispatch(PageAction::Do(
                Action::SeekPast {
                    consumer: handle.clone(),
                },
                NoticeAt::Consumer(handle.clone()),
            ));
        })
    };
    let stop = Callback::from(|e: MouseEvent| e.stop_propagation());
    html! {
        <div class="card-error" role="alert" aria-label={format!("{h} is stuck on a record")}>
            <p>{ stuck_headline(&props.stuck) }</p>
            <details onclick={stop}><summary>{ "Why?" }</summary><p>{ stuck_more(&props.stuck) }</p></details>
            <button aria-label={format!("Seek past offset {} on {h}", props.stuck.offset)}
                title={seek_past_title(&props.stuck)} onclick={seek}>{ "Seek past" }</button>
        </div>
    }
}
