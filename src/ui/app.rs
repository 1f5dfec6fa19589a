//! The page: the toolbar over the cluster rail and the main area (partitions, groups or compare, the
//! tabs, the scenario file), wired to the page state and its effects.

use crate::session::{lessons, phase};
use crate::ui::components::compare::Compare;
use crate::ui::components::embed::EmbedDialog;
use crate::ui::components::export::ExportMenu;
use crate::ui::components::group::GroupPanel;
use crate::ui::components::guide::GuidePanel;
use crate::ui::components::page_key::PageKey;
use crate::ui::components::partitions::TopicView;
use crate::ui::components::rail::Rail;
use crate::ui::components::scenario_file::ScenarioFile;
use crate::ui::components::scrubber::Scrubber;
use crate::ui::components::shortcuts::Shortcuts;
use crate::ui::components::tabs::Tabs;
use crate::ui::components::toolbar::Toolbar;
use crate::ui::embed_page::embed_page;
use crate::ui::hooks::clock::use_clock;
use crate::ui::hooks::embed::use_embed;
use crate::ui::hooks::first_render::use_first_render_mark;
use crate::ui::hooks::keyboard::use_clock_keys;
use crate::ui::hooks::presenter::use_presenter_mode;
use crate::ui::hooks::share_link::use_share_link;
use crate::ui::state::{groups_in_order, sentence, LaneView, NoticeAt, PageAction, PageState};
use yew::prelude::*;

#[function_component(App)]
pub fn app() -> Html {
    let page = use_reducer(PageState::initial);
    let share = use_share_link(&page);
    // After the share link: an embed starts the session the link opened.
    let embed = use_embed(&page);
    use_clock_keys(page.clock.playing, page.dispatcher());
    use_clock(page.clock.playing, page.dispatcher());
    use_first_render_mark();
    use_presenter_mode(page.presenter);

    let current_scenario = {
        let page = page.clone();
        Callback::from(move |_| page.scenario_json())
    };

    let main_lane = page.lanes[0].clone();
    if embed.focused() {
        return embed_page(&page, &embed, groups_view(&page, &main_lane));
    }
    let group = page.focus_group();
    let trace_json = {
        let page = page.clone();
        Callback::from(move |_| page.trace_json())
    };
    let embed_fragment = {
        let page = page.clone();
        Callback::from(move |_| page.embed_fragment())
    };
    html! {
        <div class="app">
            // The clock stays on screen while the page scrolls: a teacher scrolled down to the
            // Protocol tab still needs Play, the time and the steps.
            <div class="sticky-top">
            <Toolbar dispatch={page.dispatcher()} playing={page.clock.playing} speed={page.clock.speed} now={page.now()} lesson={page.lesson} guided={page.guide.is_some()} scenario_name={page.session().scenario.name} on_share={share.on_share} share_status={share.status}>
                <EmbedDialog fragment={embed_fragment} />
            </Toolbar>
            if let Some(n) = page.notice.as_ref().filter(|n| n.at == NoticeAt::Page) {
                <div class="page-notice" role="alert">
                    <span>{ &n.text }</span>
                    <button aria-label="Dismiss" onclick={{ let page = page.clone(); Callback::from(move |_: MouseEvent| page.dispatch(PageAction::DismissNotice)) }}>{ "✕" }</button>
                </div>
            }
            <Scrubber dispatch={page.dispatcher()} now={page.now()} head={page.head} marks={page.marks.clone()}
                marks_lane={page.comparing().then(|| page.lanes[0].strategy.label())} presenter={page.presenter} />
            </div>
            if page.show_keys {
                <Shortcuts dispatch={page.dispatcher()} />
            }
            if let Some(guide) = page.guide.clone() {
                <GuidePanel dispatch={page.dispatcher()} guide={guide} />
            }
            <div class="layout">
                <Rail dispatch={page.dispatcher()} snapshot={main_lane.snapshot.clone()}
                    strategies={page.lanes.iter().map(|l| l.strategy).collect::<Vec<_>>()} notice={page.notice.clone()} />
                <main class="main">
                    { scenario_blurb(&page) }
                    if page.comparing() {
                        <Compare dispatch={page.dispatcher()} lanes={page.lanes.clone()} group={group.clone()} notice={page.notice.clone()} playing={page.clock.playing} />
                    } else {
                        // The partition strip first: who consumes what is the picture the back
                        // row must see, and on a 1280×720 projector it must not fall below the cards.
                        <section class={topics_panel_class(&main_lane.snapshot)} aria-label="Topics">
                            <TopicView snapshot={main_lane.snapshot.clone()} />
                            <PageKey />
                        </section>
                        { groups_view(&page, &main_lane) }
                    }
                    <Tabs dispatch={page.dispatcher()} lane={main_lane.clone()} group={group.clone()} tab={page.tab}
                        comparing={page.comparing()} selected={page.selected.clone()}
                        hide_heartbeats={page.hide_heartbeats} selected_message={page.selected_message} selected_fields={page.selected_fields.clone()} playing={page.clock.playing}
                        tools={html! { <ExportMenu dispatch={page.dispatcher()} trace_json={trace_json} /> }} />
                    <ScenarioFile dispatch={page.dispatcher()} current={current_scenario} notice={page.notice.clone()} />
                </main>
            </div>
        </div>
    }
}

/// What the session is: the lesson's title and blurb, or a loaded scenario's own name and description.
fn scenario_blurb(page: &UseReducerHandle<PageState>) -> Html {
    let dispatch = page.dispatcher();
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
    // Broker settings the lab ignores have no card to show them; they go under the scenario's name.
    let broker_warnings = page
        .session()
        .scenario
        .broker_config()
        .map(|b| b.warnings())
        .unwrap_or_default();
    html! {
        <>
            // The guided lesson's panel already names the lesson: the blurb would push the page down.
            if page.guide.is_none() {
                <p class="lesson-blurb"><strong>{ title }</strong>{ " — " }{ text }
                    // A lesson starts before its group exists: the teacher may skip the join.
                    if !phase::all_stable(&page.lanes[0].snapshot) {
                        { " " }
                        <button class="skip-to-stable" title="Run the clock until every group and consumer is Stable"
                            onclick={{ let d = dispatch.clone(); Callback::from(move |_: MouseEvent| d.dispatch(PageAction::SkipToStable)) }}>{ "Skip to Stable »" }</button>
                    }
                </p>
            }
            { for broker_warnings.iter().map(|w| html! { <p class="hint config-warning" role="note">{ sentence(&w.to_string()) }</p> }) }
            { for page.refused_action_notes().into_iter().map(|n| html! { <p class="hint config-warning refused-action" role="note" aria-label="Refused scenario action">{ n }</p> }) }
        </>
    }
}

fn groups_view(page: &UseReducerHandle<PageState>, lane: &LaneView) -> Html {
    let s = &lane.snapshot;
    let group_ids = groups_in_order(s);
    html! {
        { for group_ids.into_iter().map(|g| {
            let consumers: Vec<_> = lane.consumers.iter().filter(|c| c.group == g).cloned().collect();
            let group = s.groups.iter().find(|x| x.group_id == g).cloned();
            let consumer_group = s.consumer_groups.iter().find(|x| x.group_id == g).cloned();
            html! {
                <GroupPanel dispatch={page.dispatcher()} group={group} consumer_group={consumer_group} group_id={g.clone()} consumers={consumers}
                    now={s.now} selected={page.selected.clone()} notice={page.notice.clone()} callout={page.quiet_callout(&g)} playing={page.clock.playing} />
            }
        }) }
    }
}

/// Topics wider than two rows of tiles beside the key get the panel's whole width, the key going
/// under them: 500 partitions beside it were 8 tiles a row and a page 7,000 px tall.
fn topics_panel_class(snapshot: &crate::sim::Snapshot) -> Classes {
    const TILES_BESIDE_THE_KEY: i32 = 16;
    let wide = snapshot
        .topics
        .iter()
        .any(|t| t.partitions > TILES_BESIDE_THE_KEY);
    classes!("topics-panel", wide.then_some("wide-strip"))
}
