//! The model: a deterministic simulation of Kafka 4.x consumer groups. Virtual time only, one seeded
//! RNG, ordered collections wherever order can show; no web crate may appear under `sim/`.

pub mod assign;
pub mod split;
