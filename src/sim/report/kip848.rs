//! `lab run`'s summary of KIP-848 consumer groups: the epochs (each bump with its reason), the
//! target assignments, and each member's reconciliations as the coordinator stepped it.

use crate::sim::snapshot::Snapshot;
use crate::sim::time::format_millis;
use crate::sim::trace::TraceEvent;
use crate::sim::world::World;
use std::fmt::Write;

pub(super) fn consumer_groups(out: &mut String, world: &World, snapshot: &Snapshot) {
    for g in &snapshot.consumer_groups {
        let _ = writeln!(
            out,
            "consumer group {} (KIP-848): {}, group epoch {}, target epoch {}, assignor {}",
            g.group_id,
            g.state,
            g.group_epoch,
            g.assignment_epoch,
            g.assignor.as_deref().unwrap_or("-"),
        );
        for entry in world.trace() {
            match &entry.event {
                TraceEvent::GroupEpochBumped {
                    group,
                    epoch,
                    reason,
                } if *group == g.group_id => {
                    let _ = writeln!(
                        out,
                        "  epoch {epoch:>3}: {} {reason}",
                        format_millis(entry.at)
                    );
                }
                TraceEvent::StaticMemberLeftTemporarily {
                    group, consumer, ..
                } if *group == g.group_id => {
                    let _ = writeln!(
                        out,
                        "  {} static member {consumer} left for now (-2), no bump",
                        format_millis(entry.at)
                    );
                }
                _ => {}
            }
        }
        for m in &g.members {
            let _ = writeln!(
                out,
                "  member {} epoch {} {}: assigned {}, to revoke {}, waiting for {}",
                m.consumer,
                m.member_epoch,
                m.state,
                super::list(&m.assigned),
                super::list(&m.pending_revocation),
                super::list(&m.awaiting),
            );
        }
        for c in snapshot.consumers.iter().filter(|c| c.group == g.group_id) {
            let steps: Vec<String> = world
                .trace()
                .iter()
                .filter_map(|e| match &e.event {
                    TraceEvent::MemberReconciled {
                        group,
                        consumer,
                        member_epoch,
                        state,
                        pending_revocation,
                        ..
                    } if *group == g.group_id && *consumer == c.handle => Some(format!(
                        "{} epoch {member_epoch} {state}{}",
                        format_millis(e.at),
                        if pending_revocation.is_empty() {
                            String::new()
                        } else {
                            format!(" revoke {}", super::list(pending_revocation))
                        }
                    )),
                    _ => None,
                })
                .collect();
            let done = c.kip848.as_ref().map_or(0, |k| k.reconciliations);
            let _ = writeln!(
                out,
                "  {} reconciled {done} time(s) in poll(); coordinator steps: {}",
                c.handle,
                if steps.is_empty() {
                    "-".to_string()
                } else {
                    steps.join("; ")
                }
            );
        }
    }
}
