//! The page's metrics, read a little at a time (`session::metrics_feed`), are exactly the metrics of
//! the whole trace (`sim::metrics::compute`): over every example and lesson (with the tours of
//! kills, stalls, restarts, closes and new partitions the golden digests run), read at uneven steps
//! of simulated time; and through a Lab of three lanes that acts, copies itself and rewinds.

use crate::digest::cases;
use rebalance_lab::session::lessons::lesson;
use rebalance_lab::session::metrics_feed::MetricsFeed;
use rebalance_lab::session::{Lab, Session, Strategy};
use rebalance_lab::sim::metrics::compute;
use rebalance_lab::sim::{Action, Millis, World};

/// Uneven steps (the page reads at whatever time a frame reached), short at first, where most
/// happens, then longer.
fn steps(duration: Millis) -> impl Iterator<Item = Millis> {
    let mut t: Millis = 0;
    std::iter::from_fn(move || {
        t += if t < 20_000 { 733 } else { 4_111 };
        (t <= duration + 4_111).then_some(t)
    })
}

#[test]
fn read_a_little_at_a_time_the_metrics_are_those_of_the_whole_trace() {
    let mut compared = 0;
    for (name, scenario) in cases() {
        let mut world = World::new(&scenario).expect("scenario builds");
        let mut feed = MetricsFeed::default();
        for (i, t) in steps(scenario.duration_ms).enumerate() {
            world.run_until(t);
            let incremental = feed.metrics(world.trace(), world.now());
            // Every read feeds the builder; a whole-trace replay to compare with is costlier, so
            // only every third read and the last are compared.
            if i % 3 == 0 || t > scenario.duration_ms {
                let whole = compute(world.trace(), world.now());
                assert_eq!(incremental, whole, "{name} at {t} ms");
                compared += 1;
            }
        }
    }
    assert!(compared > 1_000, "only {compared} comparisons");
}

#[test]
fn a_feed_given_another_trace_starts_over() {
    let scenario = lesson("basics").unwrap().scenario();
    let mut long = World::new(&scenario).unwrap();
    long.run_until(60_000);
    let mut short = World::new(&scenario).unwrap();
    short.run_until(10_000);
    let mut feed = MetricsFeed::default();
    feed.metrics(long.trace(), long.now());
    assert_eq!(
        feed.metrics(short.trace(), short.now()),
        compute(short.trace(), short.now())
    );
}

#[test]
fn a_lab_of_three_lanes_that_acts_and_rewinds_gives_the_whole_traces_metrics() {
    let mut lab = Lab::new(Session {
        scenario: lesson("basics").unwrap().scenario(),
        strategies: vec![
            Strategy::KafkaDefault,
            Strategy::CooperativeSticky,
            Strategy::Kip848,
        ],
        actions: Vec::new(),
        until_ms: 0,
    })
    .unwrap();
    let check = |lab: &Lab, when: &str| {
        for (lane, metrics) in lab.lanes.iter().zip(lab.metrics()) {
            let whole = compute(lane.world.trace(), lane.world.now());
            assert_eq!(*metrics, whole, "{:?} {when}", lane.strategy);
        }
    };
    let mut copy = None;
    for t in (0..60_000).step_by(1_777) {
        lab.run_until(t);
        check(&lab, &format!("at {t} ms"));
        if t > 20_000 && copy.is_none() {
            copy = Some(lab.clone());
            lab.apply(Action::KillConsumer {
                consumer: "c2".into(),
            })
            .unwrap();
            check(&lab, "after a kill");
        }
    }
    let copy = copy.unwrap();
    let rewound = lab.rewound(Some(&copy), 30_000).unwrap();
    check(&rewound, "rewound to 30 s from a copy");
    let from_start = lab.rewound(None, 45_000).unwrap();
    check(&from_start, "rewound to 45 s from the start");
    check(&copy, "the copy, read on its own");
}
