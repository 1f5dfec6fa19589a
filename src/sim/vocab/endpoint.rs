//! The parties on the simulated network.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A party on the simulated network.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Endpoint {
    /// The broker that hosts the group coordinator (one broker in the model).
    Broker,
    /// A consumer process, by its stable handle ("c3") and incarnation (restarts count up from 1).
    Consumer { handle: String, incarnation: u32 },
    /// A producer, by its handle ("p1").
    Producer { handle: String },
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Broker => f.write_str("broker"),
            Endpoint::Producer { handle } => f.write_str(handle),
            Endpoint::Consumer {
                handle,
                incarnation,
            } => {
                if *incarnation > 1 {
                    write!(f, "{handle}#{incarnation}")
                } else {
                    f.write_str(handle)
                }
            }
        }
    }
}
