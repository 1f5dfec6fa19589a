//! No loss with poison pills: the randomized scenarios of `records_random` (every protocol, random joins,
//! closes, kills, stalls, restarts and partition additions), with consumers whose value.deserializer
//! is LongDeserializer and poison pills sent at random. The application modelled seeks past a record
//! its `poll()` cannot deserialize (sometimes at once, sometimes later). How a pill counts: it is
//! *skipped* — the application chose to seek past it — never *processed*, and never lost: every
//! offset of every log must end up processed or skipped, and no pill may be counted as processed.

use crate::common::SplitMix as Rng;
use crate::common::{all_log_ends, poison_pills};
use crate::records_random::{
    add_fresh_member, caught_up, random_action, random_scenario, run_checked, CATCH_UP_CAP_MS,
    CHAOS_ENDS_MS,
};
use rebalance_lab::sim::assign::TopicPartition;
use rebalance_lab::sim::delivery::Delivery;
use rebalance_lab::sim::invariants::InvariantChecker;
use rebalance_lab::sim::{Action, Scenario, World};

const LONG: &str = "org.apache.kafka.common.serialization.LongDeserializer";

fn with_long_values(scenario: Scenario) -> Scenario {
    let mut value = serde_json::to_value(&scenario).expect("serializes");
    value["groups"][0]["config"]["value.deserializer"] = LONG.into();
    Scenario::from_json(&value.to_string()).expect("still valid")
}

/// The application's `catch (RecordDeserializationException e) { seek(e.topicPartition(), e.offset() + 1) }`
/// for every stuck consumer.
fn seek_past_stuck(world: &mut World) {
    let stuck: Vec<String> = world
        .snapshot()
        .consumers
        .into_iter()
        .filter(|c| c.stuck_on_record.is_some())
        .map(|c| c.handle)
        .collect();
    for consumer in stuck {
        world
            .apply(Action::SeekPast { consumer })
            .expect("a stuck consumer can seek");
    }
}

fn check_seed(seed: u64, assignor: &str) -> Result<u64, String> {
    let mut rng = Rng(seed ^ 0x005E_ED0F_F00D);
    let scenario = with_long_values(random_scenario(&mut rng, seed, assignor));
    let mut world = World::new(&scenario).map_err(|e| e.to_string())?;
    let mut checker = InvariantChecker::default();
    let mut t = 0;
    while t < CHAOS_ENDS_MS {
        t += rng.range(500, 6_000);
        run_checked(&mut world, &mut checker, t)?;
        match rng.range(0, 4) {
            0 => {
                let partitions = world.snapshot().producers[0].known_partitions.unwrap_or(1);
                let partition = rng.range(0, partitions as u64) as i32;
                let _ = world.apply(Action::ProducePoisonPill {
                    producer: "p1".into(),
                    partition,
                });
            }
            1 => seek_past_stuck(&mut world),
            _ => {
                let action = random_action(&mut rng, &world);
                let _ = world.apply(action);
            }
        }
    }
    add_fresh_member(&mut world, &mut checker)?;
    while world.now() < CATCH_UP_CAP_MS && !caught_up(&world) {
        seek_past_stuck(&mut world);
        let next = world.now() + 10_000;
        run_checked(&mut world, &mut checker, next)?;
    }

    let delivery = Delivery::from_trace(world.trace());
    let group = delivery.groups.get("app").cloned().unwrap_or_default();
    for (topic, ends) in all_log_ends(&world) {
        for (p, &end) in ends.iter().enumerate() {
            let tp = TopicPartition::new(topic.as_str(), p as i32);
            let lost = group.unaccounted_below(&tp, end);
            if lost > 0 {
                return Err(format!(
                    "{tp}: {lost} of {end} records neither processed nor skipped"
                ));
            }
            for pill in poison_pills(&world, &tp) {
                let processed = group
                    .processed
                    .get(&tp)
                    .is_some_and(|o| o.ranges().iter().any(|&(a, b)| (a..b).contains(&pill)));
                if processed {
                    return Err(format!("{tp}: the pill at {pill} counted as processed"));
                }
            }
        }
    }
    Ok(group.records_skipped)
}

#[test]
fn every_record_is_processed_or_skipped_and_no_pill_is_processed() {
    let seeds: u64 = std::env::var("RECORD_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let mut failures = Vec::new();
    let mut skipped = 0;
    for seed in 0..seeds {
        for assignor in ["range", "cooperative-sticky", "consumer"] {
            match check_seed(seed, assignor) {
                Ok(n) => skipped += n,
                Err(e) => failures.push(format!("seed {seed} ({assignor}): {e}")),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(skipped > 0, "some pills were met and skipped");
}
