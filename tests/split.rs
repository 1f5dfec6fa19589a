//! The group-split preview gives Kafka's Range result as members and partitions change.

use rebalance_lab::sim::split::GroupSplit;

#[test]
fn six_partitions_three_consumers_then_a_fourth() {
    let mut split = GroupSplit::new("orders", 6, 3);
    assert_eq!(split.assignment()["c1"], vec![0, 1]);
    assert_eq!(split.assignment()["c3"], vec![4, 5]);
    split.add_consumer();
    let a = split.assignment();
    assert_eq!(
        (
            a["c1"].clone(),
            a["c2"].clone(),
            a["c3"].clone(),
            a["c4"].clone()
        ),
        (vec![0, 1], vec![2, 3], vec![4], vec![5])
    );
}

#[test]
fn more_consumers_than_partitions_leaves_idle_members() {
    let split = GroupSplit::new("orders", 2, 3);
    assert!(split.assignment()["c3"].is_empty());
    assert_eq!(split.owners(), vec![Some("c1".into()), Some("c2".into())]);
}

#[test]
fn no_consumers_leaves_every_partition_unowned() {
    let mut split = GroupSplit::new("orders", 3, 1);
    assert!(split.remove_consumer());
    assert!(!split.remove_consumer());
    assert_eq!(split.owners(), vec![None, None, None]);
    assert!(split.add_partition());
    assert_eq!(split.partitions(), 4);
}
