//! The session layer, between the model and its front ends: a [`Lab`] runs one World per
//! [`Strategy`] and replays the user's timed actions, [`share_link`] puts a whole session into a URL
//! fragment and reads it back, [`lessons`] are the ready-made scenarios a class starts from, and
//! [`rewind`] rebuilds any earlier moment of a run.
//!
//! No web crate appears here: the page (`ui`), the `lab` command line and the native tests all use
//! it as it is, and `tests/layers.rs` keeps it that way.

pub mod catch_up;
pub mod explain;
pub mod export;
pub mod lab;
pub mod lag_chart;
pub mod lessons;
pub mod metrics_feed;
pub mod phase;
pub mod rewind;
pub mod share_link;
pub mod strategy;

pub use lab::{Lab, Lane, Session};
pub use strategy::Strategy;
