//! The rows of the protocol view: the latest requests and responses on the wire, read from the trace.

use super::message_fields::message_fields;
use crate::sim::protocol::{Errors, Message, Request, Response};
use crate::sim::vocab::Endpoint;
use crate::sim::{Millis, Trace, TraceEntry, TraceEvent};

/// Messages kept for the protocol view.
pub const PROTOCOL_ROWS: usize = 120;

/// One request or response on the wire, as the protocol view draws it.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageRow {
    /// Its index in the trace.
    pub id: usize,
    pub sent_at: Millis,
    pub deliver_at: Millis,
    pub from: String,
    pub to: String,
    pub group: Option<String>,
    pub api: &'static str,
    pub is_response: bool,
    /// Kafka's error name, when not NONE.
    pub error: Option<String>,
    /// Routine (a heartbeat, metadata or commit that went well): hideable, drawn faint.
    pub background: bool,
    /// KIP-848: the epoch and the partitions a `ConsumerGroupHeartbeat` carries, drawn on its arrow.
    pub summary: Option<String>,
}

/// The page calls the broker's side "coordinator": it is the only role the broker plays here.
fn endpoint_name(e: &Endpoint) -> String {
    match e {
        Endpoint::Broker => "coordinator".to_string(),
        other => other.to_string(),
    }
}

/// The latest messages sent, newest last, read backwards from the end of the trace. `known` holds
/// rows built from an earlier prefix of the same trace (a trace only grows): those are reused rather
/// than serialized again, so a frame pays only for the messages sent since the last one.
pub fn recent_messages(trace: &Trace, known: &[MessageRow]) -> Vec<MessageRow> {
    let mut rows = Vec::new();
    let mut known = known.iter().rev().peekable();
    for id in (0..trace.len()).rev() {
        let entry = &trace[id];
        if rows.len() == PROTOCOL_ROWS {
            break;
        }
        while known.next_if(|row| row.id > id).is_some() {}
        if let Some(row) = known.next_if(|row| row.id == id && row.sent_at == entry.at) {
            rows.push(row.clone());
            continue;
        }
        if let Some(row) = message_row(id, entry) {
            rows.push(row);
        }
    }
    rows.reverse();
    rows
}

/// Every field of the message a trace entry sent, as JSON, for the detail pane; `None` for an entry
/// that sent nothing. Written only for the message a learner selects: serializing every message as
/// it was sent cost a rebalance's frames tens of ms (a JoinGroup answer or a SyncGroup with 50
/// members' assignments is thousands of JSON values, built and freed again).
pub fn fields_of(entry: &TraceEntry) -> Option<String> {
    match &entry.event {
        TraceEvent::MessageSent { message, .. } => {
            let message: &Message = message;
            Some(message_fields(message))
        }
        _ => None,
    }
}

/// The row of a trace entry that sent a message; `None` for every other entry.
fn message_row(id: usize, entry: &TraceEntry) -> Option<MessageRow> {
    let TraceEvent::MessageSent {
        from,
        to,
        deliver_at,
        message,
    } = &entry.event
    else {
        return None;
    };
    let message: &Message = message;
    let (api, is_response, error, group) = match message {
        Message::Request { body, .. } => {
            (body.api(), false, None, body.group_id().map(str::to_string))
        }
        Message::Response { body, .. } => {
            let code = body.error_code();
            let error = (code != Errors::None).then(|| code.to_string());
            (body.api(), true, error, None)
        }
    };
    Some(MessageRow {
        id,
        sent_at: entry.at,
        deliver_at: *deliver_at,
        from: endpoint_name(from),
        to: endpoint_name(to),
        group,
        api,
        is_response,
        error,
        background: message.is_routine(),
        summary: match message {
            Message::Request {
                body: Request::ConsumerGroupHeartbeat(r),
                ..
            } => Some(r.summary()),
            Message::Response {
                body: Response::ConsumerGroupHeartbeat(r),
                ..
            } if r.error_code == Errors::None => Some(r.summary()),
            _ => None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::{recent_messages, PROTOCOL_ROWS};
    use crate::session::lessons::LESSONS;
    use crate::sim::{Action, World};

    #[test]
    fn message_rows_reused_from_an_earlier_frame_are_the_rows_built_afresh() {
        let mut world = World::new(&LESSONS[0].scenario()).expect("valid lesson");
        let mut known = Vec::new();
        for t in (0..90_000).step_by(700) {
            world.run_until(t);
            if t == 14_000 {
                world
                    .apply(Action::KillConsumer {
                        consumer: "c2".into(),
                    })
                    .expect("c2 runs");
            }
            let fresh = recent_messages(world.trace(), &[]);
            assert_eq!(recent_messages(world.trace(), &known), fresh, "at {t} ms");
            known = fresh;
        }
        assert_eq!(known.len(), PROTOCOL_ROWS);
    }
}
