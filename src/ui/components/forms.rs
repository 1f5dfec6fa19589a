//! Small pieces every form on the page uses.

use crate::ui::state::{Notice, NoticeAt};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// The value of the `<input>` an event came from.
pub fn input_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

/// A refusal, under the control it belongs to (`at`); nothing when the notice is someone else's.
pub fn notice_at(notice: &Option<Notice>, at: NoticeAt) -> Html {
    match notice {
        Some(n) if n.at == at => html! { <p class="notice" role="alert">{ &n.text }</p> },
        _ => html! {},
    }
}
