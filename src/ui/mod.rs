//! The Yew playground. Components render snapshots of the model and send it typed actions; no
//! protocol logic lives here. One component per thing the user sees:
//! [`toolbar`] (clock, lesson, share), [`rail`] (cluster, protocol choice, new consumer),
//! [`group_panel`] (group header and consumer cards), [`topic_view`] (partition strips),
//! [`timeline`], [`protocol_log`], [`metrics_panel`], [`code_panel`] and [`compare`].

pub mod code_panel;
pub mod compare;
pub mod compare_controls;
pub mod group_panel;
pub mod measure;
pub mod metrics_panel;
pub mod palette;
pub mod protocol_log;
pub mod rail;
pub mod scenario_file;
pub mod speed;
pub mod state;
pub mod timeline;
pub mod toolbar;
pub mod topic_view;

use crate::session::lessons;
use code_panel::CodePanel;
use compare::Compare;
use gloo_timers::callback::Interval;
use group_panel::GroupPanel;
use metrics_panel::MetricsPanel;
use protocol_log::ProtocolLog;
use rail::Rail;
use scenario_file::ScenarioFile;
use state::{LaneView, NoticeAt, PageAction, PageState, Tab};
use timeline::Timeline;
use toolbar::Toolbar;
use topic_view::TopicView;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Frame period of the clock while playing (about 30 frames per second).
const FRAME_MS: u32 = 33;

fn real_now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

#[function_component(App)]
pub fn app() -> Html {
    let page = use_reducer(PageState::initial);
    let share_status = use_state(|| None::<String>);

    // A share link in the address opens that session at start, and whenever the address's fragment
    // changes to one this page did not write itself (a link pasted into the same tab).
    let own_fragment = use_mut_ref(String::new);
    {
        let dispatch = page.dispatcher();
        let own_fragment = own_fragment.clone();
        use_effect_with((), move |_| {
            let open_from_address = move || {
                let hash = web_sys::window()
                    .and_then(|w| w.location().hash().ok())
                    .unwrap_or_default();
                let fragment = hash.trim_start_matches('#');
                if !fragment.is_empty() && fragment != own_fragment.borrow().as_str() {
                    dispatch.dispatch(PageAction::OpenShared(hash.clone()));
                }
            };
            open_from_address();
            let listener = Closure::<dyn Fn()>::new(open_from_address);
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w.add_event_listener_with_callback(
                    "hashchange",
                    listener.as_ref().unchecked_ref(),
                );
            }
            move || {
                if let Some(w) = &window {
                    let _ = w.remove_event_listener_with_callback(
                        "hashchange",
                        listener.as_ref().unchecked_ref(),
                    );
                }
                drop(listener);
            }
        });
    }
    // Keyboard for the lectern: Space plays or pauses, → steps to the next event (not while typing).
    {
        let dispatch = page.dispatcher();
        let playing = page.clock.playing;
        use_effect_with(playing, move |playing| {
            let playing = *playing;
            let listener =
                Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
                    let typing = e
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        .is_some_and(|el| {
                            matches!(
                                el.tag_name().as_str(),
                                "INPUT" | "TEXTAREA" | "SELECT" | "BUTTON"
                            )
                        });
                    // A focused consumer card takes Space and Enter itself (and prevents the default).
                    if typing
                        || e.default_prevented()
                        || e.ctrl_key()
                        || e.meta_key()
                        || e.alt_key()
                    {
                        return;
                    }
                    match e.key().as_str() {
                        " " => {
                            e.prevent_default();
                            dispatch.dispatch(if playing {
                                PageAction::Pause
                            } else {
                                PageAction::Play
                            });
                        }
                        "ArrowRight" => dispatch.dispatch(PageAction::Step),
                        _ => {}
                    }
                });
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w
                    .add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(w) = &window {
                    let _ = w.remove_event_listener_with_callback(
                        "keydown",
                        listener.as_ref().unchecked_ref(),
                    );
                }
                drop(listener);
            }
        });
    }
    // The clock: a gloo interval while playing, dropped when paused.
    {
        let page = page.clone();
        use_effect_with(page.clock.playing, move |playing| {
            let interval = playing.then(|| {
                let page = page.clone();
                Interval::new(FRAME_MS, move || {
                    page.dispatch(PageAction::Tick(real_now()))
                })
            });
            move || drop(interval)
        });
    }
    let on_share = {
        let page = page.clone();
        let own_fragment = own_fragment.clone();
        let share_status = share_status.clone();
        Callback::from(move |_| {
            let fragment = page.share_fragment();
            let Some(window) = web_sys::window() else {
                return;
            };
            *own_fragment.borrow_mut() = fragment.clone();
            let _ = window.location().set_hash(&fragment);
            let url = window.location().href().unwrap_or_default();
            let _ = window.navigator().clipboard().write_text(&url);
            share_status.set(Some("Link copied: it replays this session".into()));
        })
    };

    let on_embed = {
        let page = page.clone();
        let share_status = share_status.clone();
        Callback::from(move |_| {
            let Some(window) = web_sys::window() else {
                return;
            };
            let location = window.location();
            let base = format!(
                "{}{}",
                location.origin().unwrap_or_default(),
                location.pathname().unwrap_or_default()
            );
            let snippet = format!(
                "<iframe src=\"{base}#{}\" title=\"Rebalance Lab\" width=\"100%\" height=\"860\" style=\"border:0\" loading=\"lazy\"></iframe>",
                page.share_fragment()
            );
            let _ = window.navigator().clipboard().write_text(&snippet);
            share_status.set(Some("Embed code copied: paste it into any page".into()));
        })
    };

    let current_scenario = {
        let page = page.clone();
        Callback::from(move |_| page.scenario_json())
    };

    let main_lane = page.lanes[0].clone();
    let group = page.focus_group();
    html! {
        <div class="app">
            <Toolbar dispatch={page.dispatcher()} playing={page.clock.playing} speed={page.clock.speed} now={page.now()} lesson={page.lesson} scenario_name={page.session().scenario.name} on_share={on_share} on_embed={on_embed} share_status={(*share_status).clone()} />
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
