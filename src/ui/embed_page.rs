//! The page as an embed of one view (`?embed=group|timeline|protocol|compare`): the view alone, with
//! a slim bar holding Play/Pause, the simulated time and a link that opens the full playground at the
//! same session. No toolbar, rail, tabs or scenario file: it has to fit a paragraph of documentation.

use crate::session::lessons;
use crate::sim::time::format_millis;
use crate::ui::components::compare::Compare;
use crate::ui::components::embed::page_url;
use crate::ui::components::palette::swatch_for;
use crate::ui::components::partitions::TopicView;
use crate::ui::components::tabs::protocol::ProtocolLog;
use crate::ui::components::tabs::timeline::Timeline;
use crate::ui::state::embed::{EmbedOptions, EmbedView};
use crate::ui::state::{NoticeAt, PageAction, PageState};
use yew::prelude::*;

/// The full playground's address for the session shown: this page without the embed's query, open
/// on the tab that shows the embedded view.
fn playground_link(page: &PageState, view: EmbedView) -> String {
    let base = page_url();
    format!("{base}#{}", page.playground_fragment(view))
}

/// What the session is called: the lesson's title or the scenario's own name.
fn session_title(page: &PageState) -> String {
    match page.lesson.and_then(lessons::lesson) {
        Some(lesson) => lesson.title.to_string(),
        None => {
            let name = page.session().scenario.name;
            if name.is_empty() {
                "Rebalance Lab".to_string()
            } else {
                name
            }
        }
    }
}

/// Which colour is whom, for the timeline alone: on the full page the cards say it.
fn legend(page: &PageState, group: &str) -> Html {
    let consumers = page.lanes[0]
        .snapshot
        .consumers
        .iter()
        .filter(|c| c.group == group)
        .map(|c| c.handle.clone())
        .collect::<Vec<_>>();
    html! {
        <ul class="embed-legend" aria-label="Consumers' colours">
            { for consumers.iter().map(|h| html! {
                <li><span class={classes!("dot", swatch_for(h).pattern)} style={format!("background:{}", swatch_for(h).colour)} aria-hidden="true"></span>{ h }</li>
            }) }
            <li><span class="dot hatched-key" aria-hidden="true"></span>{ "nobody consuming" }</li>
        </ul>
    }
}

/// The embedded page. `groups` is the group panels as the full page draws them.
pub fn embed_page(
    page: &UseReducerHandle<PageState>,
    options: &EmbedOptions,
    groups: Html,
) -> Html {
    let lane = page.lanes[0].clone();
    let group = page.focus_group();
    let dispatch = page.dispatcher();
    let send = |action: PageAction| {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(action.clone()))
    };
    let play_pause = if page.clock.playing {
        html! { <button class="primary" aria-label="Pause" onclick={send(PageAction::Pause)}>{ "❚❚ Pause" }</button> }
    } else {
        html! { <button class="primary" aria-label="Play" onclick={send(PageAction::Play)}>{ "▶ Play" }</button> }
    };
    let view = match options.view {
        EmbedView::Group | EmbedView::Playground => html! {
            <>
                <section class="topics-panel" aria-label="Topics"><TopicView snapshot={lane.snapshot.clone()} /></section>
                { groups }
            </>
        },
        EmbedView::Timeline => html! {
            <>
                { legend(page, &group) }
                <Timeline metrics={lane.metrics.clone()} group={group.clone()} now={lane.metrics.until} id="embed" />
            </>
        },
        EmbedView::Protocol => html! {
            <ProtocolLog dispatch={dispatch.clone()} messages={lane.messages.clone()}
                consumers={crate::ui::components::tabs::lane_heads(&lane.snapshot)}
                hide_heartbeats={page.hide_heartbeats} selected={page.selected_message} fields={page.selected_fields.clone()} />
        },
        EmbedView::Compare => html! {
            <Compare dispatch={dispatch.clone()} lanes={page.lanes.clone()} group={group.clone()} notice={page.notice.clone()} />
        },
    };
    html! {
        <div class="embed" data-embed={options.view.key()}>
            <div class="embed-bar" role="group" aria-label="Clock">
                { play_pause }
                <span class="sim-time" role="timer" aria-label="Simulated time">
                    <span class="t-label">{ "t =" }</span>
                    <span class="t-value">{ format_millis(page.now()) }</span>
                </span>
                <span class="embed-title">{ format!("{} · {}", session_title(page), options.view.label().to_ascii_lowercase()) }</span>
                <a class="embed-open" href={playground_link(page, options.view)} target="_blank" rel="noopener">{ "Open in Rebalance Lab ↗" }</a>
            </div>
            if let Some(n) = page.notice.as_ref().filter(|n| n.at == NoticeAt::Page) {
                <div class="page-notice" role="alert"><span>{ &n.text }</span></div>
            }
            <main class="embed-main" aria-label={options.view.label()}>{ view }</main>
        </div>
    }
}
