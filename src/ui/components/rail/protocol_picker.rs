//! The protocol and assignor (`partition.assignment.strategy`), or the two or three compared side by side.

use crate::session::explain::group::strategy_note;
use crate::session::Strategy;
use crate::sim::sort;
use crate::ui::state::{Dispatch, NoticeAt, PageAction};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct StrategyProps {
    pub dispatch: Dispatch,
    pub strategies: Vec<Strategy>,
}

#[function_component(StrategyPicker)]
pub fn strategy_picker(props: &StrategyProps) -> Html {
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
                Strategy::COMPARE_DEFAULT.to_vec()
            };
            page.dispatch(PageAction::SetStrategies(next));
        })
    };
    html! {
        <section class="rail-block" aria-label="Protocol">
            <h2>{ "Protocol & assignor" }</h2>
            if !comparing {
                <label class="field">
                    <span>{ "group.protocol / assignor" }</span>
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
                            sort::sort_by_key(&mut next, |x| Strategy::ALL.iter().position(|y| y == x));
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
            { for props.strategies.iter().map(|s| html! {
                <details class="hint strategy-note">
                    <summary>{ format!("What {} means", s.label()) }</summary>
                    <p>{ strategy_note(*s) }</p>
                </details>
            }) }
            <p class="hint">{ "Changing the strategy replays your actions from time zero under it." }</p>
        </section>
    }
}
