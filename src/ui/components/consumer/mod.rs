//! A consumer wherever it appears (its card, compare mode's rows and columns): the actions it
//! offers and how its state and partitions read.

pub mod actions;
pub mod labels;
pub mod stuck;
