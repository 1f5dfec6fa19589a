//! The page: the toolbar over the cluster rail and the main area (partitions, groups or compare, the
//! tabs, the scenario file), wired to the page state and its effects.

use super::code_panel::CodePanel;
use super::compare::Compare;
use super::group_panel::GroupPanel;
use super::hooks::clock::use_clock;
use super::hooks::keyboard::use_clock_keys;
use super::hooks::share_link::use_share_link;
use super::metrics_panel::MetricsPanel;
use super::protocol_log::ProtocolLog;
use super::rail::Rail;
use super::scenario_file::ScenarioFile;
use super::state::{self, LaneView, NoticeAt, PageAction, PageState, Tab};
use super::timeline::Timeline;
use super::toolbar::Toolbar;
use super::topic_view::TopicView;
use crate::session::lessons;
use yew::prelude::*;

#[function_component(App)]
pub fn app() -> Html {
    let page = use_reducer(PageState::initial);
    let share = use_share_link(&page);
    use_clock_keys(page.clock.playing, page.dispatcher());
    use_clock(page.clock.playing, page.dispatcher());

    let current_scenario = {
        let page = page.clone();
        Callback::from(move |_| page.scenario_json())
    };

    let main_lane = page.lanes[0].clone();
    let group = page.focus_group();
    html! {
        <div class="app">
            <Toolbar dispatch={page.dispatcher()} playing={page.clock.playing} speed={page.clock.speed} now={page.now()} lesson={page.lesson} scenario_name={page.session().scenario.name} on_share={share.on_share} on_embed={share.on_embed} share_status={share.status} />
            if let Some(n) = page.notice.as_ref().filter(|n| n.at == NoticeAt::Page) {
                <div class="page-notice" role="alert">
                    <span>{ &n.text }</span>
                    <button aria-label="Dismiss" onclick={{ let page = page.clone(); Callback::from(move |_: MouseEvent| page.dispatch(PageAction::DismissNotice)) }}>{ "✕" }</button>
                </div>
            }
            <div class="layout">
                <Rail dispatch={page.dispatcher()} snapshot={main_lane.snapshot.clone()}
                    strategies={page.lanes.iter().map(|l| l.strategy).collect::<Vec<_>>()} notice={page.notice.clone()} />
                <main class="main">
                    { scenario_blurb(&page) }
                    if page.comparing() {
                        <Compare dispatch={page.dispatcher()} lanes={page.lanes.clone()} group={group.clone()} notice={page.notice.clone()} />
                    } else {
                        // The partition strip first: who consumes what is the picture the back
                        // row must see, and on a 1280×720 projector it must not fall below the cards.
                        <section class="topics-panel" aria-label="Topics">
                            <TopicView snapshot={main_lane.snapshot.clone()} />
                        </section>
                        { groups_view(&page, &main_lane) }
                    }
                    { tabs_view(&page, &main_lane, &group) }
                    <ScenarioFile dispatch={page.dispatcher()} current={current_scenario} notice={page.notice.clone()} />
                </main>
            </div>
        </div>
    }
}

/// What the session is: the lesson's title and blurb, or a loaded scenario's own name and description.
fn scenario_blurb(page: &PageState) -> Html {
    let (title, text) = match page.lesson.and_then(lessons::lesson) {
        Some(lesson) => (lesson.title.to_string(), lesson.blurb.to_string()),
        None => {
            let scenario = page.session().scenario;
            let title = if scenario.name.is_empty() {
                "Your scenario".to_string()
            } else {
                scenario.name
            };
            let text = if scenario.description.is_empty() {
                "Loaded from a scenario file or a share link.".to_string()
            } else {
                scenario.description
            };
            (title, text)
        }
    };
    html! { <p class="lesson-blurb"><strong>{ title }</strong>{ " — " }{ text }</p> }
}

fn groups_view(page: &UseReducerHandle<PageState>, lane: &LaneView) -> Html {
    let s = &lane.snapshot;
    let group_ids = state::groups_in_order(s);
    html! {
        { for group_ids.into_iter().map(|g| {
            let consumers: Vec<_> = s.consumers.iter().filter(|c| c.group == g).cloned().collect();
            let group = s.groups.iter().find(|x| x.group_id == g).cloned();
            html! {
                <GroupPanel dispatch={page.dispatcher()} group={group} group_id={g.clone()} consumers={consumers}
                    now={s.now} selected={page.selected.clone()} notice={page.notice.clone()} />
            }
        }) }
    }
}

fn tabs_view(page: &UseReducerHandle<PageState>, lane: &LaneView, group: &str) -> Html {
    let tab_button = |tab: Tab, label: &'static str| {
        let p = page.clone();
        html! {
            <button role="tab" aria-selected={(page.tab == tab).to_string()} class={classes!("tab", (page.tab == tab).then_some("active"))}
                onclick={Callback::from(move |_: MouseEvent| p.dispatch(PageAction::ShowTab(tab)))}>{ label }</button>
        }
    };
    let consumer = page
        .selected
        .as_ref()
        .and_then(|h| lane.snapshot.consumers.iter().find(|c| &c.handle == h))
        .cloned();
    let body = match page.tab {
        Tab::Timeline => {
            html! { <Timeline metrics={lane.metrics.clone()} group={group.to_string()} now={lane.metrics.until} id="main" /> }
        }
        Tab::Protocol => html! {
            <ProtocolLog dispatch={page.dispatcher()} messages={lane.messages.clone()}
                consumers={lane.snapshot.consumers.iter().map(|c| c.handle.clone()).collect::<Vec<_>>()}
                hide_heartbeats={page.hide_heartbeats} selected={page.selected_message} />
        },
        Tab::Metrics => {
            html! { <MetricsPanel metrics={lane.metrics.clone()} group={group.to_string()} /> }
        }
        Tab::Code => html! { <CodePanel consumer={consumer} /> },
    };
    let title = if page.comparing() {
        format!("{} (first column)", lane.strategy.label())
    } else {
        format!("group {group}")
    };
    html! {
        <section class="tabs-panel" aria-label="Details">
            <div class="tab-bar" role="tablist" aria-label="Views">
                { tab_button(Tab::Timeline, "Timeline") }
                { tab_button(Tab::Protocol, "Protocol") }
                { tab_button(Tab::Metrics, "Metrics") }
                { tab_button(Tab::Code, "Code") }
                <span class="tab-context">{ title }</span>
            </div>
            <div class="tab-body" role="tabpanel">{ body }</div>
        </section>
    }
}
