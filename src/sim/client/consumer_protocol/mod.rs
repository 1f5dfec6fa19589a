//! The consumer of `group.protocol=consumer` (KIP-848), as Kafka 4.1's `AsyncKafkaConsumer` runs it:
//! a background thread that only ever sends `ConsumerGroupHeartbeat`, and an application thread whose
//! `poll()` runs the listener callbacks of each reconciliation.
//!
//! * [`membership_manager`] — `ConsumerMembershipManager`: the member's id, epoch and state, the
//!   assignment the coordinator sent, and the reconciliation (revoke first, then assign, then
//!   acknowledge) that `poll()` carries out;
//! * [`heartbeat_request_manager`] — `ConsumerHeartbeatRequestManager`: when to heartbeat, which
//!   fields a heartbeat carries, what each answer and error does, and the poll timer.
//!
//! The classic parts of [`KafkaConsumer`](super::KafkaConsumer) stay idle for such a consumer; it
//! shares with them only what every consumer has: the application thread, the partitions it owns,
//! its commits and its life.

pub mod heartbeat_request_manager;
pub mod heartbeat_state;
pub mod membership_manager;

pub use heartbeat_state::HeartbeatRequestState;
pub use membership_manager::{ConsumerMembershipManager, MemberState};
