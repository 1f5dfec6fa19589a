//! The key under the partition strip: tile fills, owns against assigned, ♥ and ⟳ — so a room that
//! has never seen the page can read it (the words are `session::explain::key`'s).

use crate::session::explain::key::{TileLook, CARD, TILES};
use yew::prelude::*;

#[function_component(PageKey)]
pub fn page_key() -> Html {
    html! {
        <ul class="page-key" aria-label="Key">
            { for TILES.iter().map(|(look, text)| {
                let class = match look {
                    TileLook::Solid => "key-solid",
                    TileLook::Striped => "key-striped",
                    TileLook::Hatched => "key-hatched",
                };
                html! { <li><span class={classes!("key-tile", class)} aria-hidden="true"></span>{ *text }</li> }
            }) }
            { for CARD.iter().map(|(term, text)| html! {
                <li><strong>{ *term }</strong>{ format!(": {text}") }</li>
            }) }
        </ul>
    }
}
