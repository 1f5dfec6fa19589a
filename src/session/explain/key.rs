//! The page's key: what the partition tiles' fills and the cards' rows and countdowns mean, in the
//! words the tiles' own labels use (`ui::components::partitions`) and the card's titles.

/// How a partition tile is drawn, and what that says.
pub const TILES: [(TileLook, &str); 3] = [
    (TileLook::Solid, "consumed by its owner"),
    (TileLook::Striped, "assigned, not owned yet"),
    (TileLook::Hatched, "nobody consuming"),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TileLook {
    Solid,
    Striped,
    Hatched,
}

/// A card's rows and countdowns: the client's own view against the coordinator's, and the two
/// timers that end a membership (their titles name session.timeout.ms and max.poll.interval.ms).
/// Short: the key sits beside a six-partition strip on a 1280-px projector.
pub const CARD: [(&str, &str); 4] = [
    ("owns", "the client's view"),
    ("assigned", "coordinator's view"),
    ("♥", "session time left"),
    ("⟳", "time to next poll()"),
];
