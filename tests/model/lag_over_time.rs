//! Lag over time: the World samples every group's lag each second of virtual time, and the page's
//! chart is drawn from those samples. These tests hold the samples against the model (the same lag
//! `partition_lags` reads from a World stopped at that instant), against the story of a crash, and
//! against rewinds and replays.

use crate::common;
use rebalance_lab::session::lag_chart::{lag_charts, LagBy};
use rebalance_lab::session::rewind::Checkpoints;
use rebalance_lab::session::{Lab, Session, Strategy};
use rebalance_lab::sim::assign::TopicPartition;
use rebalance_lab::sim::delivery::partition_lags;
use rebalance_lab::sim::lag_series::{LagSample, LAG_SAMPLE_MS};
use rebalance_lab::sim::metrics;
use rebalance_lab::sim::vocab::RemovalCause;
use rebalance_lab::sim::{Millis, Scenario, TraceEvent, World};
use serde_json::json;

const KILL_AT: Millis = 10_000;

/// Two range consumers of `orders` (6 partitions), a producer at 300 records/s throughout, and c1
/// killed at 10 s.
fn crash() -> Scenario {
    let text = json!({
        "name": "lag-crash",
        "seed": 5,
        "topics": [{ "name": "orders", "partitions": 6 }],
        "groups": [{ "group_id": "app", "config": {
            "auto.offset.reset": "earliest",
            "processing.time.ms": 20,
            "processing.time.per.record.ms": 1,
        }}],
        "consumers": [{ "group": "app", "topics": ["orders"], "count": 2 }],
        "producers": [{ "topic": "orders", "records_per_sec": 300, "keys": 60 }],
        "actions": [{ "at_ms": KILL_AT, "action": { "type": "kill_consumer", "consumer": "c1" } }],
        "duration_ms": 100_000,
    });
    Scenario::from_json(&text.to_string()).expect("valid scenario")
}

fn lag_of(sample: &LagSample, tp: &TopicPartition) -> i64 {
    let g = sample.group("app").expect("the group is sampled");
    g.partitions
        .iter()
        .find(|(p, _)| p == tp)
        .expect("partition sampled")
        .1
}

#[test]
fn each_sample_is_the_lag_of_the_world_stopped_at_that_instant() {
    let scenario = crash();
    let mut world = World::new(&scenario).unwrap();
    world.run_until(30_000);
    let samples: Vec<LagSample> = world.lag_series().samples().cloned().collect();
    assert_eq!(
        samples.len(),
        30,
        "one sample per second passed: 0 s … 29 s"
    );
    for (i, s) in samples.iter().enumerate() {
        assert_eq!(s.at, i as Millis * LAG_SAMPLE_MS);
    }
    for at in [0, 1_000, 7_000, KILL_AT, 19_000, 29_000] {
        let mut stopped = World::new(&scenario).unwrap();
        stopped.run_until(at);
        let sample = samples.iter().find(|s| s.at == at).unwrap();
        let g = sample.group("app").unwrap();
        let lags = partition_lags(&stopped);
        assert_eq!(g.partitions.len(), 6);
        for lag in &lags {
            assert_eq!(
                lag_of(sample, &lag.partition),
                lag.lag,
                "{} at {at}",
                lag.partition
            );
        }
        assert_eq!(g.total, lags.iter().map(|l| l.lag).sum::<i64>());
        let unowned: i64 = lags
            .iter()
            .filter(|l| l.owner.is_none())
            .map(|l| l.lag)
            .sum();
        assert_eq!(g.unowned, unowned, "at {at}");
        for (owner, lag) in &g.by_owner {
            let owned: i64 = lags
                .iter()
                .filter(|l| l.owner.as_deref() == Some(owner.as_str()))
                .map(|l| l.lag)
                .sum();
            assert_eq!(*lag, owned, "{owner} at {at}");
        }
    }
}

#[test]
fn a_crashed_consumers_partitions_lag_until_its_session_expires_then_the_new_owner_catches_up() {
    let scenario = crash();
    let mut before = World::new(&scenario).unwrap();
    before.run_until(KILL_AT - 1);
    let snapshot = before.snapshot();
    let c1 = snapshot
        .consumers
        .iter()
        .find(|c| c.handle == "c1")
        .unwrap();
    let dead: Vec<TopicPartition> = c1.owned.clone();
    assert_eq!(dead.len(), 3, "range gives c1 half of the six partitions");

    let mut world = World::new(&scenario).unwrap();
    world.run_until(scenario.duration_ms);
    let expired_at = world
        .trace()
        .iter()
        .find_map(|e| match &e.event {
            TraceEvent::MemberRemoved {
                consumer,
                cause: RemovalCause::SessionExpired,
                ..
            } if consumer == "c1" => Some(e.at),
            _ => None,
        })
        .expect("c1's session expires");
    let stable_at = world
        .trace()
        .iter()
        .find_map(|e| match &e.event {
            TraceEvent::RebalanceCompleted { .. } if e.at > expired_at => Some(e.at),
            _ => None,
        })
        .expect("the group rebalances after the expiry");
    assert!(
        expired_at > KILL_AT + 40_000,
        "the session (45 s) runs out first: {expired_at}"
    );
    let samples: Vec<&LagSample> = world.lag_series().samples().collect();
    for tp in &dead {
        let waiting: Vec<i64> = samples
            .iter()
            .filter(|s| s.at >= KILL_AT && s.at <= stable_at)
            .map(|s| lag_of(s, tp))
            .collect();
        assert!(
            waiting.windows(2).all(|w| w[1] >= w[0]),
            "{tp}: nobody consumes it, so its lag only grows: {waiting:?}"
        );
        let (first, grown) = (waiting[0], *waiting.last().unwrap());
        // 300 records/s over six partitions, for the 40-odd seconds before the expiry.
        assert!(grown - first > 1_000, "{tp}: lag {first} → {grown}");
        let peak_at = samples
            .iter()
            .max_by_key(|s| (lag_of(s, tp), std::cmp::Reverse(s.at)))
            .unwrap()
            .at;
        assert!(
            peak_at >= expired_at - LAG_SAMPLE_MS && peak_at <= stable_at + 10_000,
            "{tp}: the peak ({peak_at}) comes when the rebalance hands it over ({expired_at}–{stable_at})"
        );
        let end = lag_of(samples.last().unwrap(), tp);
        assert!(
            end * 10 < grown,
            "{tp}: the new owner caught up: {grown} → {end}"
        );
    }
    for s in samples
        .iter()
        .filter(|s| s.at > KILL_AT && s.at < expired_at)
    {
        let g = s.group("app").unwrap();
        let dead_lag: i64 = dead.iter().map(|tp| lag_of(s, tp)).sum();
        assert_eq!(
            g.unowned, dead_lag,
            "at {}: only c1's partitions are nobody's",
            s.at
        );
        assert!(g.by_owner.iter().all(|(h, _)| h == "c2"));
    }

    let charts = lag_charts(&world, &metrics::compute(world.trace(), world.now()));
    let chart = charts.iter().find(|c| c.group == "app").unwrap();
    assert_eq!(chart.by, LagBy::Partition);
    assert_eq!(chart.lines.len(), 6);
    let top = samples
        .iter()
        .flat_map(|s| {
            s.group("app")
                .unwrap()
                .partitions
                .iter()
                .map(move |(_, l)| (*l, s.at))
        })
        .max_by_key(|&(l, at)| (l, std::cmp::Reverse(at)))
        .unwrap();
    assert_eq!((chart.peak.lag, chart.peak.at), top);
    assert!(dead.iter().any(|tp| tp.to_string() == chart.peak.line));
    assert!(chart.lag_max >= chart.peak.lag);
    assert!(chart
        .summary
        .contains(&format!("peak {} records on {}", top.0, chart.peak.line)));
    assert!(
        chart
            .rebalances
            .iter()
            .any(|r| r.started_at >= expired_at && r.stable_at == Some(stable_at)),
        "the rebalance after the expiry is marked: {:?}",
        chart.rebalances
    );
}

#[test]
fn the_samples_do_not_depend_on_how_the_run_is_cut_into_steps() {
    let scenario = crash();
    let mut whole = World::new(&scenario).unwrap();
    whole.run_until(60_000);
    let mut pieces = World::new(&scenario).unwrap();
    let mut t = 0;
    while t < 60_000 {
        t = (t + 137).min(60_000);
        pieces.run_until(t);
    }
    let a: Vec<&LagSample> = whole.lag_series().samples().collect();
    let b: Vec<&LagSample> = pieces.lag_series().samples().collect();
    assert_eq!(a, b);
    // Event by event, as the invariant tests run.
    let mut stepped = World::new(&scenario).unwrap();
    while stepped.next_event_time().is_some_and(|t| t <= 60_000) {
        stepped.process_next_event();
    }
    stepped.run_until(60_000);
    assert_eq!(a, stepped.lag_series().samples().collect::<Vec<_>>());
}

#[test]
fn a_rewound_run_and_a_shared_one_draw_the_same_chart() {
    let mut scenario = crash();
    let kill = scenario.actions.remove(0);
    let mut lab = common::lab(scenario, vec![Strategy::KafkaDefault]);
    let mut checkpoints = Checkpoints::default();
    let mut t = 0;
    while t < 80_000 {
        if t == kill.at_ms {
            lab.apply(kill.action.clone()).unwrap();
        }
        t += 250;
        lab.run_until(t);
        checkpoints.observe(&lab);
    }
    let chart_of = |lab: &Lab| {
        let world = &lab.lanes[0].world;
        lag_charts(world, &metrics::compute(world.trace(), world.now()))
    };
    let end = chart_of(&lab);
    assert!(!end.is_empty());
    let mut back = checkpoints.rewind(&lab, 33_000).unwrap();
    let at_33 = chart_of(&back);
    assert!(at_33[0].until == 33_000 && at_33[0].peak.at <= 33_000);
    back.run_until(80_000);
    assert_eq!(chart_of(&back), end, "rewound, then played forward again");
    let shared = Lab::new(lab.saved_session()).unwrap();
    assert_eq!(
        chart_of(&shared),
        end,
        "replayed from a share link's session"
    );
}

/// The page's Playwright test (`tests/e2e/lag.spec.ts`) loads `examples/records-join-and-crash.json`
/// (which the page runs under the strategy its group sets, cooperative-sticky), plays past 95 s and
/// reads the chart's peak; this pins what the model says that peak is (`tests/data/lag-peak.json`),
/// and that it no longer moves after 95 s.
#[test]
fn the_examples_lag_peak_is_what_the_page_test_expects() {
    let scenario = Scenario::from_json(include_str!("../../examples/records-join-and-crash.json"))
        .expect("the example parses");
    let session = Session::loaded(scenario, vec![Strategy::KafkaDefault]);
    assert_eq!(session.strategies, [Strategy::CooperativeSticky]);
    let mut lab = Lab::new(session).expect("the page accepts the example");
    let expected: serde_json::Value =
        serde_json::from_str(include_str!("../data/lag-peak.json")).unwrap();
    let mut t = expected["from_ms"].as_u64().unwrap();
    while t <= 120_000 {
        lab.run_until(t);
        let world = &lab.lanes[0].world;
        let charts = lag_charts(world, &metrics::compute(world.trace(), world.now()));
        let chart = charts.iter().find(|c| c.group == "orders-app").unwrap();
        let got = json!({ "lag": chart.peak.lag, "at_ms": chart.peak.at, "line": chart.peak.line });
        assert_eq!(got, expected["peak"], "at {t} ms");
        t += 5_000;
    }
}
