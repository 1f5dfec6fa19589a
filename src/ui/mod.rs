//! The Yew playground. Components render snapshots of the model and send it typed actions;
//! no protocol logic lives here.

use yew::prelude::*;

#[function_component(App)]
pub fn app() -> Html {
    html! { <main class="app"><h1>{ "Rebalance Lab" }</h1></main> }
}
