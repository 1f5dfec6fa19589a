//! Rebalance Lab: Kafka consumer groups simulated faithfully.
//!
//! * [`sim`] is the model: pure, deterministic Rust with a virtual clock, no web crates.
//! * [`ui`] is the Yew playground that renders the model's snapshots and sends it typed actions.

pub mod codegen;
pub mod sim;
pub mod ui;
