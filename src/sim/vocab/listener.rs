//! `ConsumerRebalanceListener`: the callbacks a consumer runs when its partitions change.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The three `ConsumerRebalanceListener` callbacks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallbackKind {
    Revoked,
    Assigned,
    Lost,
}

impl fmt::Display for CallbackKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CallbackKind::Revoked => "onPartitionsRevoked",
            CallbackKind::Assigned => "onPartitionsAssigned",
            CallbackKind::Lost => "onPartitionsLost",
        })
    }
}
