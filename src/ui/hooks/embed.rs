//! An embedded page's start: its options read once from the address's query, the compare lanes a
//! Compare embed needs, autoplay from time zero at the asked speed, and the loop back to zero at the
//! end of the scenario. A bad parameter is said on the page, which then opens as without any.

use crate::session::Strategy;
use crate::ui::state::embed::{EmbedOptions, EmbedView};
use crate::ui::state::{NoticeAt, PageAction, PageState, START_SPEED};
use yew::prelude::*;

fn address_query() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// The embed options the page was opened with (the defaults when there are none or they are bad).
/// Call it after `use_share_link`: its start acts on the session the link opened.
#[hook]
pub fn use_embed(page: &UseReducerHandle<PageState>) -> EmbedOptions {
    let read = use_state(|| EmbedOptions::from_query(&address_query()));
    let options = (*read).clone().unwrap_or_default();
    {
        let dispatch = page.dispatcher();
        let read = (*read).clone();
        let single_lane = page.lanes.len() < 2;
        use_effect_with((), move |_| {
            match read {
                Err(bad) => dispatch.dispatch(PageAction::Refuse(
                    NoticeAt::Page,
                    format!(
                        "This embed's parameters cannot be used: {bad}. The page opened as it would without them."
                    ),
                )),
                Ok(options) => {
                    if options.view == EmbedView::Compare && single_lane {
                        dispatch.dispatch(PageAction::SetStrategies(
                            Strategy::COMPARE_DEFAULT.to_vec(),
                        ));
                    }
                    // Without `speed=` an embedded view plays at the page's start speed, the
                    // dialog's default, even when its link names a guided step (which would
                    // otherwise start at the guide's own speed).
                    match options.speed {
                        Some(speed) => dispatch.dispatch(PageAction::SetSpeed(speed)),
                        None if options.focused() => {
                            dispatch.dispatch(PageAction::SetSpeed(START_SPEED))
                        }
                        None => {}
                    }
                    if options.autoplay {
                        dispatch.dispatch(PageAction::SeekTo(0));
                        dispatch.dispatch(PageAction::Play);
                    }
                }
            }
        });
    }
    // The end of the scenario: its duration, or the moment the link was made if that is later.
    let end = page.session().as_scenario().duration_ms;
    let at_end = options.repeat && page.clock.playing && page.now() >= end;
    {
        let dispatch = page.dispatcher();
        use_effect_with(at_end, move |at_end| {
            if *at_end {
                dispatch.dispatch(PageAction::SeekTo(0));
                dispatch.dispatch(PageAction::Play);
            }
        });
    }
    options
}
