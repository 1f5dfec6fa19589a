//! A KIP-848 consumer group's header: the coordinator's state, group epoch, target epoch and server
//! assignor, each member's epoch with what it still has to revoke or is waiting to receive, and
//! the note while it reconciles.

use crate::session::explain::consumer_group::{
    consumer_group_note, consumer_group_protocol, member_epoch_title, mixed_group_note,
};
use crate::sim::snapshot::ConsumerGroupSnapshot;
use crate::ui::components::consumer::labels::partition_list;
use yew::prelude::*;

pub fn consumer_group_header(g: &ConsumerGroupSnapshot) -> Html {
    let state = g.state.to_string();
    let protocol = consumer_group_protocol(g);
    html! {
        <div class="group-head">
            <h2 class="group-title">{ format!("Group {}", g.group_id) }</h2>
            <dl class="group-facts">
                <div><dt>{ "state" }</dt><dd class={classes!("state-chip", state.to_ascii_lowercase())} aria-label="Group state">{ state.clone() }</dd></div>
                <div><dt title="Bumped by a join, a leave, a fence, a subscription or topic change">{ "group epoch" }</dt>
                    <dd class="big-number" aria-label="Group epoch">{ g.group_epoch }</dd></div>
                <div><dt title="The group epoch the target assignment was computed at">{ "target epoch" }</dt>
                    <dd class="big-number" aria-label="Target epoch">{ g.assignment_epoch }</dd></div>
                <div><dt>{ "protocol" }</dt><dd aria-label="Group protocol">{ protocol }</dd></div>
                <div><dt title="The server assignor that computed the target">{ "assignor" }</dt><dd>{ g.assignor.clone().unwrap_or_else(|| "—".into()) }</dd></div>
            </dl>
            <table class="member-epochs" aria-label="Member epochs">
                <thead><tr><th>{ "member" }</th><th title="The group.protocol its consumer speaks">{ "protocol" }</th><th>{ "epoch" }</th><th>{ "state" }</th><th>{ "to revoke" }</th><th>{ "waiting for" }</th></tr></thead>
                <tbody>
                    { for g.members.iter().map(|m| html! {
                        <tr aria-label={format!("Member {}", m.consumer)}>
                            <td>{ &m.consumer }</td>
                            <td aria-label="Member protocol" class={classes!("member-protocol", m.protocol.clone())}
                                title={if m.protocol == "classic" { "JoinGroup, SyncGroup and Heartbeat, answered by the consumer group" } else { "ConsumerGroupHeartbeat" }}>
                                { &m.protocol }</td>
                            <td title={member_epoch_title(m.member_epoch)} aria-label="Member epoch">{ m.member_epoch }</td>
                            <td>{ m.state.to_string() }</td>
                            <td aria-label="To revoke">{ partition_list(&m.pending_revocation) }</td>
                            <td aria-label="Waiting for">{ partition_list(&m.awaiting) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            if let Some(note) = mixed_group_note(g) {
                <p class="group-note" role="note" aria-label="Mixed group">{ note }</p>
            }
            if let Some(note) = consumer_group_note(g) {
                <p class="group-note" role="note" aria-label="Reconciliation in progress">{ note }</p>
            }
        </div>
    }
}
