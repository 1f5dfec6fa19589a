//! The clock that plays the simulation: a timer while playing, none while paused.

use crate::ui::state::{real_now, Dispatch, PageAction};
use gloo_timers::callback::Interval;
use yew::prelude::*;

/// Frame period of the clock while playing (about 30 frames per second).
const FRAME_MS: u32 = 33;

/// While `playing`, sends a [`PageAction::Tick`] with the real time every frame; the page state
/// turns real time into simulated time at the chosen speed. The timer is dropped on pause.
#[hook]
pub fn use_clock(playing: bool, dispatch: Dispatch) {
    use_effect_with(playing, move |playing| {
        let interval = playing.then(|| {
            Interval::new(FRAME_MS, move || {
                dispatch.dispatch(PageAction::Tick(real_now()))
            })
        });
        move || drop(interval)
    });
}
