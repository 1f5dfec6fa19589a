//! Static members catching up (KIP-345): a static member whose process comes back within
//! `session.timeout.ms` takes its old place — same partitions, no rebalance — but nobody read its
//! partitions while it was away, so it comes back to the lag they built up. Decided here from the
//! World's lag samples (`sim::lag_series`, which notes the lag at the very instant of each return)
//! and the trace: the lag at return, how fast records arrived, how fast this consumer processes at
//! full batches, the time that predicts, and when in this run its lag was back where it was.

use super::explain::{duration, list};
use crate::sim::assign::TopicPartition;
use crate::sim::lag_series::{LagSample, StaticReturn};
use crate::sim::time::Millis;
use crate::sim::{TraceEvent, World};
use serde::Serialize;

/// How far before it left its "usual" lag is read: the highest lag its partitions had then.
pub const USUAL_WINDOW_MS: Millis = 10_000;

/// One static member's return and its catch-up.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StaticCatchUp {
    pub consumer: String,
    pub group: String,
    pub partitions: Vec<TopicPartition>,
    /// When its previous process stopped consuming (killed, closed).
    pub left_at: Millis,
    /// When the coordinator gave its new process the old place.
    pub back_at: Millis,
    /// Its partitions' lag at `back_at`.
    pub lag_at_return: i64,
    /// The highest lag its partitions had in the [`USUAL_WINDOW_MS`] before it left: caught up means
    /// back at or below this.
    pub usual_lag: i64,
    /// Records per second appended to its partitions while it was away.
    pub arriving_per_sec: f64,
    /// Records per second it processes when every `poll()` returns a full batch.
    pub processing_per_sec: f64,
    /// `(lag_at_return − usual_lag) / (processing − arriving)`; `None` if it does not process faster
    /// than records arrive.
    pub predicted_ms: Option<Millis>,
    /// The first sampled instant after `back_at` at which its lag was back at `usual_lag` or below.
    pub caught_up_at: Option<Millis>,
    pub text: String,
}

/// Every static member's return in `world` so far, for the group's topics with few enough
/// partitions to be sampled one by one.
pub fn static_catch_ups(world: &World) -> Vec<StaticCatchUp> {
    world
        .lag_series()
        .static_returns()
        .filter_map(|r| catch_up(world, r))
        .collect()
}

fn catch_up(world: &World, r: &StaticReturn) -> Option<StaticCatchUp> {
    let back_at = r.lag.at;
    let consumer = world.consumers().iter().find(|c| c.handle == r.consumer)?;
    let group = consumer.group_id.clone();
    let (left_at, partitions) = departure(world, &r.consumer, back_at)?;
    let samples: Vec<&LagSample> = world.lag_series().samples().collect();
    let of = |s: &LagSample| s.group(&group)?.of_partitions(&partitions);
    let (lag_at_return, end_at_return) = of(&r.lag)?;
    let before: Vec<&LagSample> = samples
        .iter()
        .copied()
        .filter(|s| s.at < left_at && s.at + USUAL_WINDOW_MS >= left_at)
        .collect();
    let usual_lag = before.iter().filter_map(|s| of(s)).map(|(l, _)| l).max()?;
    let last = before.last()?;
    let (_, end_before) = of(last)?;
    let away_ms = back_at.saturating_sub(last.at).max(1);
    let arriving_per_sec = (end_at_return - end_before) as f64 * 1_000.0 / away_ms as f64;
    let config = &consumer.config;
    let batch = f64::from(config.max_poll_records);
    let batch_ms =
        config.processing_time_ms as f64 + batch * config.processing_time_per_record_ms as f64;
    let processing_per_sec = batch * 1_000.0 / batch_ms.max(1.0);
    let predicted_ms = (processing_per_sec > arriving_per_sec).then(|| {
        let behind = (lag_at_return - usual_lag).max(0) as f64;
        (behind * 1_000.0 / (processing_per_sec - arriving_per_sec)).round() as Millis
    });
    let caught_up_at = samples
        .iter()
        .filter(|s| s.at > back_at)
        .find(|s| of(s).is_some_and(|(l, _)| l <= usual_lag))
        .map(|s| s.at);
    let mut c = StaticCatchUp {
        consumer: r.consumer.clone(),
        group,
        partitions,
        left_at,
        back_at,
        lag_at_return,
        usual_lag,
        arriving_per_sec,
        processing_per_sec,
        predicted_ms,
        caught_up_at,
        text: String::new(),
    };
    c.text = text(
        &c,
        config.max_poll_records,
        config.processing_time_ms,
        config.processing_time_per_record_ms,
        config.enable_auto_commit,
        config.auto_commit_interval_ms,
    );
    Some(c)
}

/// When `consumer` last stopped consuming before `back_at`, and the partitions it had then.
fn departure(
    world: &World,
    consumer: &str,
    back_at: Millis,
) -> Option<(Millis, Vec<TopicPartition>)> {
    let owned: Vec<(Millis, &Vec<TopicPartition>)> = world
        .trace()
        .iter()
        .take_while(|e| e.at <= back_at)
        .filter_map(|e| match &e.event {
            TraceEvent::OwnershipChanged {
                consumer: c, owned, ..
            } if c == consumer => Some((e.at, owned)),
            _ => None,
        })
        .collect();
    let stopped = owned.iter().rposition(|(_, o)| o.is_empty())?;
    let had = owned[..stopped].iter().rev().find(|(_, o)| !o.is_empty())?;
    Some((owned[stopped].0, had.1.clone()))
}

fn text(
    c: &StaticCatchUp,
    max_poll_records: u32,
    batch_ms: Millis,
    per_record_ms: Millis,
    auto_commit: bool,
    auto_commit_ms: Millis,
) -> String {
    let mut t = format!(
        "{} came back at {} as the same static member: no rebalance, it keeps {}, but nobody read them in the {} it was away, \
         so it comes back to {} records of lag (about {:.0} records/s arrive on them).",
        c.consumer,
        seconds(c.back_at),
        list(&c.partitions),
        duration(c.back_at.saturating_sub(c.left_at)),
        c.lag_at_return,
        c.arriving_per_sec
    );
    let per_batch = if per_record_ms > 0 {
        format!(
            "{} per poll() + {} per record",
            duration(batch_ms),
            duration(per_record_ms)
        )
    } else {
        format!("{} per poll()", duration(batch_ms))
    };
    t.push_str(&format!(
        " At its processing rate ({max_poll_records} records per poll(), {per_batch}: about {:.0} records/s)",
        c.processing_per_sec
    ));
    match c.predicted_ms {
        Some(ms) => t.push_str(&format!(
            ", getting back to its usual lag (at most {} records in the {} before it left) takes about {}.",
            c.usual_lag,
            duration(USUAL_WINDOW_MS),
            seconds_rounded(ms)
        )),
        None => t.push_str(" it is no faster than the records arriving, so it does not catch up."),
    }
    match c.caught_up_at {
        Some(at) => t.push_str(&format!(
            " In this run it was back there by {}.",
            seconds(at)
        )),
        None if c.predicted_ms.is_some() => t.push_str(" It has not caught up yet."),
        None => {}
    }
    if auto_commit {
        t.push_str(&format!(
            " Lag counts from the committed offset, so it falls at each auto-commit (every {}).",
            duration(auto_commit_ms)
        ));
    }
    t
}

/// Seconds as the chart's axis and sentence write them.
pub fn seconds(ms: Millis) -> String {
    if ms.is_multiple_of(1_000) {
        format!("{} s", ms / 1_000)
    } else {
        format!("{:.1} s", ms as f64 / 1_000.0)
    }
}

fn seconds_rounded(ms: Millis) -> String {
    if ms < 1_000 {
        format!("{ms} ms")
    } else {
        format!("{:.1} s", ms as f64 / 1_000.0)
    }
}
