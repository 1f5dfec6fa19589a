//! The World's event loop at classroom scale and beyond: 30 consumers of one group on a 120-partition
//! topic (classroom timings: session.timeout.ms 10 s, heartbeat.interval.ms 3 s), run for 60 s and
//! 5 min of simulated time, quietly or with a crash and a join at 30 s. Then what the page does with
//! such a World: `World::snapshot()`, `metrics::compute()` over the whole trace, and one page frame
//! (`PageState` ticked at 10× every 33 ms of real time: the reducer's whole job per frame, printed
//! only, since each tick grows the trace).
//!
//! First the speed curve: 10×60, 30×120, 100×1,000 and 1,000×10,000 consumers × partitions with
//! Kafka's default timings (1,000: the model's limit on consumers, `sim::limits::MAX_CONSUMERS`; the
//! page takes 500), 60 s of simulated time each, in simulated seconds per real second and in
//! nanoseconds per consumer × partition × simulated second (flat or falling = no worse than linear).
//!
//! Before Criterion runs, a table prints trace entries (messages, state changes, callbacks…) per
//! second of real time and simulated seconds per real second.
//! `cargo bench --bench event_loop` (add a filter such as `snapshot` to narrow Criterion's part).

use criterion::{black_box, Criterion};
use rebalance_lab::sim::metrics;
use rebalance_lab::sim::scenario::{
    ConfigValue, ConsumerSpec, GroupSpec, Scenario, TimedAction, TopicSpec,
};
use rebalance_lab::sim::Millis;
use rebalance_lab::sim::{Action, World};
use rebalance_lab::ui::state::{PageAction, PageState};
use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::{Duration, Instant};
use yew::Reducible;

const CONSUMERS: usize = 30;
const PARTITIONS: i32 = 120;
const MINUTE: Millis = 60_000;
const FIVE_MINUTES: Millis = 300_000;

fn settings(pairs: &[(&str, &str)]) -> BTreeMap<String, ConfigValue> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), ConfigValue(v.to_string())))
        .collect()
}

/// 30 consumers on `orders` (120 partitions); with `churn`, c7 is killed and a 31st consumer joins
/// at 30 s, so the group rebalances twice mid-run (once at once, once at session expiry).
fn scenario(churn: bool) -> Scenario {
    let mut actions = Vec::new();
    if churn {
        actions.push(TimedAction {
            at_ms: 30_000,
            action: Action::KillConsumer {
                consumer: "c7".into(),
            },
        });
        actions.push(TimedAction {
            at_ms: 30_000,
            action: Action::AddConsumer {
                group: "orders-app".into(),
                topics: vec!["orders".into()],
                config: BTreeMap::new(),
            },
        });
    }
    Scenario {
        name: format!("{CONSUMERS} consumers, {PARTITIONS} partitions"),
        description: String::new(),
        seed: 7,
        network_latency_ms: 2,
        broker: BTreeMap::new(),
        topics: vec![TopicSpec {
            name: "orders".into(),
            partitions: PARTITIONS,
        }],
        groups: vec![GroupSpec {
            group_id: "orders-app".into(),
            config: settings(&[
                ("session.timeout.ms", "10000"),
                ("heartbeat.interval.ms", "3000"),
                ("max.poll.interval.ms", "30000"),
            ]),
        }],
        producers: Vec::new(),
        trace_record_flow: true,
        consumers: vec![ConsumerSpec {
            group: "orders-app".into(),
            topics: vec!["orders".into()],
            config: BTreeMap::new(),
            start_at_ms: 0,
            count: CONSUMERS,
        }],
        actions,
        duration_ms: FIVE_MINUTES,
    }
}

fn run(scenario: &Scenario, until: Millis) -> World {
    let mut world = World::new(scenario).expect("valid scenario");
    world.run_until(until);
    world
}

/// Best of a few runs: the machine is shared, the minimum is the least disturbed figure.
fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            black_box(f());
            start.elapsed()
        })
        .min()
        .expect("at least one run")
}

/// The page as the browser test drives it: the first lesson, grown to 120 partitions and 30
/// consumers through the same actions the forms send, at 10×, playing.
fn playing_page() -> Rc<PageState> {
    let mut page = Rc::new(PageState::initial());
    let cluster = rebalance_lab::ui::state::NoticeAt::Cluster;
    page = page.reduce(PageAction::Do(
        Action::AddPartitions {
            topic: "orders".into(),
            total: PARTITIONS,
        },
        cluster.clone(),
    ));
    while page.lanes[0].snapshot.consumers.len() < CONSUMERS {
        page = page.reduce(PageAction::Do(
            Action::AddConsumer {
                group: "orders-app".into(),
                topics: vec!["orders".into()],
                config: BTreeMap::new(),
            },
            rebalance_lab::ui::state::NoticeAt::AddConsumer,
        ));
    }
    page = page.reduce(PageAction::SetSpeed(10.0));
    page = page.reduce(PageAction::Play);
    page
}

/// Ticks the page every 33 ms of (pretend) real time until `real_ms`, timing each tick.
fn play_page(mut page: Rc<PageState>, real_ms: f64) -> (Rc<PageState>, Vec<Duration>) {
    let mut clock = 0.0;
    let mut ticks = Vec::new();
    page = page.reduce(PageAction::Tick(clock));
    while clock < real_ms {
        clock += 33.0;
        let start = Instant::now();
        page = page.reduce(PageAction::Tick(clock));
        ticks.push(start.elapsed());
    }
    (page, ticks)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// `consumers` consumers of one group on a `partitions`-partition topic, every setting at Kafka's
/// default (session 45 s, heartbeat 3 s, initial rebalance delay 3 s), all started at time 0.
fn defaults_scenario(consumers: usize, partitions: i32) -> Scenario {
    Scenario {
        name: format!("{consumers} consumers, {partitions} partitions, Kafka's defaults"),
        description: String::new(),
        seed: 1,
        network_latency_ms: 2,
        broker: BTreeMap::new(),
        topics: vec![TopicSpec {
            name: "orders".into(),
            partitions,
        }],
        groups: vec![GroupSpec {
            group_id: "orders-app".into(),
            config: BTreeMap::new(),
        }],
        producers: Vec::new(),
        trace_record_flow: true,
        consumers: vec![ConsumerSpec {
            group: "orders-app".into(),
            topics: vec!["orders".into()],
            config: BTreeMap::new(),
            start_at_ms: 0,
            count: consumers,
        }],
        actions: Vec::new(),
        duration_ms: MINUTE,
    }
}

/// The sizes of the speed curve: consumers × partitions, as issue 12 names them. The largest is the
/// model's limit on consumers (`sim::limits::MAX_CONSUMERS`), as in `benches/records.rs`.
const CURVE: [(usize, i32); 4] = [(10, 60), (30, 120), (100, 1_000), (LARGEST, 10_000)];

/// The largest size, run once (best of 1) and for longer under Criterion.
const LARGEST: usize = 1_000;

/// The speed curve: 60 simulated seconds at each size with Kafka's defaults, and the cost per
/// consumer × partition × simulated second, which must not grow with the size.
fn print_speed_curve() {
    println!("speed curve: 60 s simulated, Kafka's defaults, World::new + run_until (best of 3, 1 for the largest)");
    println!(
        "{:>9} {:>10} {:>9} {:>10} {:>16} {:>22}",
        "consumers", "partitions", "trace", "real ms", "sim s per real s", "ns per c·p·sim-s"
    );
    for (consumers, partitions) in CURVE {
        let s = defaults_scenario(consumers, partitions);
        let runs = if consumers >= LARGEST { 1 } else { 3 };
        let entries = run(&s, MINUTE).trace().len();
        let t = best_of(runs, || run(&s, MINUTE));
        let cost = t.as_secs_f64() * 1e9 / (consumers as f64 * f64::from(partitions) * 60.0);
        println!(
            "{:>9} {:>10} {:>9} {:>10.1} {:>16.0} {:>22.3}",
            consumers,
            partitions,
            entries,
            ms(t),
            60.0 / t.as_secs_f64(),
            cost
        );
    }
    println!();
}

fn print_figures() {
    println!("{CONSUMERS} consumers × {PARTITIONS} partitions, best of 3 runs");
    println!(
        "{:<34} {:>9} {:>10} {:>12} {:>16}",
        "run", "trace", "real ms", "entries/s", "sim s per real s"
    );
    for (label, churn, until) in [
        ("60 s, steady", false, MINUTE),
        ("60 s, crash + join at 30 s", true, MINUTE),
        ("5 min, steady", false, FIVE_MINUTES),
        ("5 min, crash + join at 30 s", true, FIVE_MINUTES),
    ] {
        let s = scenario(churn);
        let entries = run(&s, until).trace().len();
        let t = best_of(3, || run(&s, until));
        println!(
            "{:<34} {:>9} {:>10.2} {:>12.0} {:>16.0}",
            label,
            entries,
            ms(t),
            entries as f64 / t.as_secs_f64(),
            until as f64 / 1e3 / t.as_secs_f64()
        );
    }
    println!();
    for until in [MINUTE, FIVE_MINUTES] {
        let world = run(&scenario(true), until);
        let snapshot = best_of(20, || world.snapshot());
        let metrics = best_of(5, || metrics::compute(world.trace(), world.now()));
        println!(
            "trace of {:>3} s ({:>6} entries): snapshot {:>8.3} ms, metrics::compute {:>8.3} ms",
            until / 1000,
            world.trace().len(),
            ms(snapshot),
            ms(metrics)
        );
    }
    println!();
    // 8 s of real time at 10× is what the browser test plays; 30 s reaches 5 min of simulated time.
    let (page, ticks) = play_page(playing_page(), 30_000.0);
    let early = ticks.len() * 8 / 30;
    let late = ticks.len() - ticks.len() / 10;
    print_ticks("page reducer, real 0-8 s at 10×", &ticks[..early]);
    print_ticks("page reducer, real 27-30 s at 10×", &ticks[late..]);
    println!(
        "(one tick = PageState::reduce(Tick) every 33 ms; the sim reached {} ms)",
        page.now()
    );
    println!();
}

fn print_ticks(label: &str, ticks: &[Duration]) {
    let mut ticks = ticks.to_vec();
    ticks.sort();
    let pick = |q: f64| ms(ticks[((ticks.len() - 1) as f64 * q).round() as usize]);
    println!(
        "{label:<34} {:>4} ticks: p50 {:>7.2} ms, p95 {:>7.2} ms, max {:>7.2} ms",
        ticks.len(),
        pick(0.5),
        pick(0.95),
        pick(1.0)
    );
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("event_loop");
    group.sample_size(10);
    for (label, churn, until) in [
        ("60s steady", false, MINUTE),
        ("60s crash+join", true, MINUTE),
        ("5min steady", false, FIVE_MINUTES),
        ("5min crash+join", true, FIVE_MINUTES),
    ] {
        let s = scenario(churn);
        group.bench_function(label, |b| b.iter(|| run(black_box(&s), until)));
    }
    group.finish();

    let mut group = c.benchmark_group("speed_curve");
    group.sample_size(10);
    for (consumers, partitions) in CURVE {
        let s = defaults_scenario(consumers, partitions);
        if consumers >= LARGEST {
            group.measurement_time(Duration::from_secs(60));
        }
        group.bench_function(format!("{consumers}x{partitions} 60s defaults"), |b| {
            b.iter(|| run(black_box(&s), MINUTE))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("derive");
    group.sample_size(20);
    for (label, until) in [("60s", MINUTE), ("5min", FIVE_MINUTES)] {
        let world = run(&scenario(true), until);
        group.bench_function(format!("snapshot {label}"), |b| {
            b.iter(|| black_box(&world).snapshot())
        });
        group.bench_function(format!("metrics::compute {label}"), |b| {
            b.iter(|| metrics::compute(black_box(&world).trace(), world.now()))
        });
    }
    group.finish();
}

fn main() {
    print_speed_curve();
    print_figures();
    let mut criterion = Criterion::default().configure_from_args();
    bench(&mut criterion);
    criterion.final_summary();
}
