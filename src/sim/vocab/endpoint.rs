//! The parties on the simulated network.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// A process's handle ("c3", "p1"), shared: an endpoint is copied onto every message and timer its
/// process sends or sets, and copying a handle copies a pointer. Compares, orders, hashes, prints and
/// serializes as its text, exactly as the `String` it replaces did.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Handle(Arc<str>);

impl Handle {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for Handle {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Handle {
    fn from(text: &str) -> Self {
        Handle(Arc::from(text))
    }
}

impl From<String> for Handle {
    fn from(text: String) -> Self {
        Handle(Arc::from(text))
    }
}

impl From<&String> for Handle {
    fn from(text: &String) -> Self {
        Handle(Arc::from(text.as_str()))
    }
}

impl PartialEq<str> for Handle {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Handle {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Handle {
    fn eq(&self, other: &String) -> bool {
        &*self.0 == other.as_str()
    }
}

impl PartialEq<Handle> for String {
    fn eq(&self, other: &Handle) -> bool {
        self.as_str() == &*other.0
    }
}

impl fmt::Display for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl Serialize for Handle {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Handle {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Handle::from)
    }
}

/// A party on the simulated network.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Endpoint {
    /// The broker that hosts the group coordinator (one broker in the model).
    Broker,
    /// A consumer process, by its stable handle ("c3") and incarnation (restarts count up from 1).
    Consumer { handle: Handle, incarnation: u32 },
    /// A producer, by its handle ("p1").
    Producer { handle: Handle },
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
