//! A card's two countdowns: the coordinator's session timer for this member and the application's
//! `max.poll.interval.ms`. Bars shrink in real time at the chosen speed, and turn low in the last quarter.

use crate::sim::snapshot::ConsumerSnapshot;
use crate::sim::time::Millis;
use yew::prelude::*;

pub fn seconds(ms: Millis) -> f64 {
    ms as f64 / 1000.0
}

/// The coordinator's countdown for this member: `session.timeout.ms` from the last heartbeat it heard.
/// Shown whenever the coordinator still holds the member, also for a killed one: a crash is noticed
/// only when this runs out. The heart beats when a heartbeat has just gone out.
pub fn session_meter(c: &ConsumerSnapshot, now: Millis) -> Html {
    let Some(deadline) = c.session_deadline else {
        return html! { <div class="meter muted">{ "♥ no session at the coordinator" }</div> };
    };
    let left = deadline.saturating_sub(now);
    let just_beat = c.state.is_running()
        && c.last_heartbeat_sent
            .is_some_and(|t| now.saturating_sub(t) < (c.config.heartbeat_interval_ms / 5).max(200));
    // A running card has two meters side by side, so its text stays short; a stopped one has room
    // to say whose countdown it is.
    let text = if c.state.is_running() {
        format!("{:.1} s", seconds(left))
    } else {
        format!("session expires in {:.1} s", seconds(left))
    };
    countdown(Meter {
        kind: if just_beat { "session beat" } else { "session" },
        icon: "♥",
        left,
        total: c.config.session_timeout_ms,
        label: "Session time left",
        title: format!(
            "The coordinator expires {}'s session in {:.1} s unless a heartbeat arrives (session.timeout.ms {:.1} s)",
            c.handle,
            seconds(left),
            seconds(c.config.session_timeout_ms)
        ),
        text,
    })
}

/// `max.poll.interval.ms` since the last `poll()`.
pub fn poll_meter(c: &ConsumerSnapshot, now: Millis) -> Html {
    let Some(deadline) = c.poll_deadline else {
        return html! { <div class="meter muted">{ "⟳ in poll()" }</div> };
    };
    let left = deadline.saturating_sub(now);
    countdown(Meter {
        kind: "poll",
        icon: "⟳",
        left,
        total: c.config.max_poll_interval_ms,
        label: "Poll time left",
        title: format!(
            "The next poll() is due within {:.1} s (max.poll.interval.ms {:.1} s)",
            seconds(left),
            seconds(c.config.max_poll_interval_ms)
        ),
        text: format!("{:.1} s", seconds(left)),
    })
}

struct Meter {
    kind: &'static str,
    icon: &'static str,
    left: Millis,
    total: Millis,
    label: &'static str,
    title: String,
    text: String,
}

fn countdown(m: Meter) -> Html {
    let fraction = (m.left as f64 / m.total.max(1) as f64).clamp(0.0, 1.0);
    let low = fraction < 0.25;
    html! {
        <div class={classes!("meter", m.kind, low.then_some("low"))} aria-label={m.label} title={m.title}>
            <span class="meter-icon" aria-hidden="true">{ m.icon }</span>
            <span class="meter-track"><span class="meter-fill" style={format!("transform:scaleX({fraction:.3})")}></span></span>
            <span class="meter-text">{ m.text }</span>
        </div>
    }
}
