//! The shared vocabulary of the model: the words the actors, the trace and the views all use —
//! endpoints, consumer and group states, rebalance reasons, listener callbacks. It sits beneath every
//! actor and the trace, so none of them needs another to name a state (no module cycles).

pub mod classic_group_state;
pub mod consumer_group;
pub mod consumer_state;
pub mod endpoint;
pub mod listener;
pub mod rebalance_reason;

pub use classic_group_state::ClassicGroupState;
pub use consumer_group::{
    ConsumerGroupRemoval, ConsumerGroupState, EpochBumpReason, MemberAssignmentState,
};
pub use consumer_state::ConsumerState;
pub use endpoint::{Endpoint, Handle};
pub use listener::CallbackKind;
pub use rebalance_reason::{RebalanceReason, RemovalCause};
