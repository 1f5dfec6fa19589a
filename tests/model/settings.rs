//! Settings Kafka accepts are accepted, and behave as Kafka's client makes them behave: a zero
//! `metadata.max.age.ms` refreshes every `retry.backoff.ms`, a zero `auto.commit.interval.ms` commits
//! on every poll, and a name the lab does not simulate is ignored with a warning (page, `lab run`).

use crate::common::{count_requests, three_on_six};
use rebalance_lab::sim::World;
use std::process::Command;

#[test]
fn metadata_max_age_zero_refreshes_every_retry_backoff() {
    let scenario = three_on_six(r#"{ "metadata.max.age.ms": 0 }"#, "{}");
    let mut world = World::new(&scenario).expect("Kafka accepts metadata.max.age.ms=0");
    world.run_until(10_000);
    // retry.backoff.ms is 100: about 100 refreshes in 10 s, not one per network round trip.
    let refreshes = count_requests(&world, "c1", "Metadata", 0);
    assert!((90..=101).contains(&refreshes), "{refreshes} refreshes");
}

#[test]
fn auto_commit_interval_zero_commits_on_every_poll() {
    let scenario = three_on_six(
        r#"{ "auto.commit.interval.ms": 0, "processing.time.ms": 500 }"#,
        r#"{ "group.initial.rebalance.delay.ms": 0 }"#,
    );
    let mut world = World::new(&scenario).expect("Kafka accepts auto.commit.interval.ms=0");
    world.run_until(30_000);
    let commits = count_requests(&world, "c1", "OffsetCommit", 10_000);
    // One poll every 500 ms for 20 s: one commit with each.
    assert!((38..=41).contains(&commits), "{commits} commits");
}

#[test]
fn settings_the_lab_does_not_simulate_are_run_and_warned_about() {
    let scenario = rebalance_lab::sim::Scenario::from_json(
        r#"{ "broker": { "log.retention.hours": 1 }, "topics": [{ "name": "t", "partitions": 6 }],
             "consumers": [{ "group": "g", "topics": ["t"], "count": 3,
                             "config": { "fetch.min.bytes": 1024, "max.poll.recordz": 10 } }] }"#,
    )
    .unwrap();
    assert_eq!(
        scenario.warnings(),
        [
            "broker: broker setting \"log.retention.hours\" is not simulated by the lab: it has no effect here",
            "consumers[0] (group g): fetch.min.bytes is a Kafka consumer setting the lab does not simulate: it has no effect here",
            "consumers[0] (group g): Kafka's consumer does not know \"max.poll.recordz\": it starts anyway and only logs \"These configurations '[max.poll.recordz]' were supplied but are not used yet.\" The lab ignores it too",
        ]
    );
    let mut world = World::new(&scenario).expect("ignored settings do not stop a scenario");
    world.run_until(20_000);
    let snapshot = world.snapshot();
    assert!(snapshot.consumers.iter().all(|c| !c.owned.is_empty()));
    // The card reads the warnings from the consumer's own configuration.
    assert_eq!(snapshot.consumers[0].config.warnings().len(), 2);

    let dir = std::env::temp_dir().join(format!("lab-settings-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ignored.json");
    std::fs::write(&path, scenario.to_json()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_lab"))
        .args(["run", path.to_str().unwrap(), "--no-trace"])
        .output()
        .expect("lab runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        stdout.starts_with("warning: broker: broker setting \"log.retention.hours\""),
        "{stdout}"
    );
    assert!(stdout.contains(
        "warning: consumers[0] (group g): Kafka's consumer does not know \"max.poll.recordz\""
    ));
}
