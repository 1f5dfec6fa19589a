//! OffsetCommit validation (Kafka's `OffsetMetadataManager.validateOffsetCommit`, which calls
//! `ClassicGroup.validateOffsetCommit`): may this member commit now? The answer is what shapes a
//! rebalance; the broker stores the offsets of an accepted commit (`broker::offsets`).

use super::group::ClassicGroup;
use super::member::ReplyTo;
use super::GroupCtx;
use crate::sim::protocol::{Errors, OffsetCommitRequest, OffsetCommitResponse, Response};
use crate::sim::vocab::ClassicGroupState;

/// `OffsetMetadataManager.commitOffset`: the commit is validated and answered.
pub(super) fn commit_offset(
    group: Option<&ClassicGroup>,
    req: &OffsetCommitRequest,
    from: &ReplyTo,
    ctx: &mut GroupCtx,
) {
    let error = validate_offset_commit(group, req);
    ctx.reply(
        from,
        Response::OffsetCommit(OffsetCommitResponse { error_code: error }),
    );
}

/// `OffsetMetadataManager.validateOffsetCommit`: an unknown group accepts a commit without a generation
/// (Kafka creates a "simple" group for it; the model does not) and refuses any other with
/// ILLEGAL_GENERATION, as Kafka answers OffsetCommit before version 9.
pub(super) fn validate_offset_commit(
    group: Option<&ClassicGroup>,
    req: &OffsetCommitRequest,
) -> Errors {
    match group {
        Some(group) => validate_classic_group_offset_commit(group, req),
        None if req.generation_id < 0 => Errors::None,
        None => Errors::IllegalGeneration,
    }
}

/// `ClassicGroup.validateOffsetCommit`: PreparingRebalance accepts the current generation (eager members
/// commit in `onPartitionsRevoked`); CompletingRebalance refuses with REBALANCE_IN_PROGRESS.
fn validate_classic_group_offset_commit(group: &ClassicGroup, req: &OffsetCommitRequest) -> Errors {
    if group.is_in_state(ClassicGroupState::Dead) {
        return Errors::CoordinatorNotAvailable;
    }
    if req.generation_id < 0 && group.is_in_state(ClassicGroupState::Empty) {
        return Errors::None;
    }
    if let Err(e) = group.validate_member(&req.member_id, req.group_instance_id.as_deref()) {
        return e;
    }
    if req.generation_id != group.generation_id {
        return Errors::IllegalGeneration;
    }
    if group.is_in_state(ClassicGroupState::CompletingRebalance) {
        return Errors::RebalanceInProgress;
    }
    Errors::None
}
