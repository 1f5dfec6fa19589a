//! Assignors at scale: 200 members × 2000 partitions.

use criterion::{criterion_group, criterion_main, Criterion};
use rebalance_lab::sim::assign::{
    assign, AssignorName, ClusterMetadata, GroupSubscription, Subscription,
};

fn big_group() -> (ClusterMetadata, GroupSubscription) {
    let topics: Vec<(String, i32)> = (0..4).map(|t| (format!("t{t}"), 500)).collect();
    let names: Vec<String> = topics.iter().map(|(n, _)| n.clone()).collect();
    let members = (0..200)
        .map(|i| Subscription::new(format!("consumer-g-{i}"), names.clone()))
        .collect();
    let cluster = ClusterMetadata {
        topics,
        ..Default::default()
    };
    (cluster, GroupSubscription { members })
}

fn bench_range(c: &mut Criterion) {
    let (cluster, group) = big_group();
    c.bench_function("range 200x2000 fresh", |b| {
        b.iter(|| assign(AssignorName::Range, &cluster, &group).unwrap())
    });
}

criterion_group!(benches, bench_range);
criterion_main!(benches);
