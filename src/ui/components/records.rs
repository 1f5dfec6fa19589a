//! With producers: each partition of a topic drawn as a log for one group — committed, processed but
//! not committed, and lag — with the records processed twice marked. The words come from
//! `session::explain::records`.

use crate::session::explain::records;
use crate::sim::delivery::PartitionLog;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PartitionLogsProps {
    pub group: String,
    pub topic: String,
    pub logs: Vec<PartitionLog>,
}

#[function_component(PartitionLogs)]
pub fn partition_logs(props: &PartitionLogsProps) -> Html {
    let longest = props
        .logs
        .iter()
        .map(|l| l.lag.log_end_offset)
        .max()
        .unwrap_or(0)
        .max(1);
    let total_lag: i64 = props.logs.iter().map(|l| l.lag.lag).sum();
    let twice: u64 = props.logs.iter().map(|l| l.duplicates).sum();
    let label = format!("Records of {} in {}", props.topic, props.group);
    html! {
        <div class="partition-logs" role="region" aria-label={label}>
            <p class="logs-total">{ format!("{}: lag {total_lag} · {twice} records processed twice", props.group) }</p>
            <ol class="logs">
                { for props.logs.iter().map(|l| log_row(l, longest)) }
            </ol>
            <p class="logs-legend">{ records::legend() }</p>
        </div>
    }
}

/// Percent of the longest log.
fn pct(offset: i64, longest: i64) -> f64 {
    (offset.max(0) as f64 / longest as f64 * 100.0).min(100.0)
}

fn log_row(log: &PartitionLog, longest: i64) -> Html {
    let l = &log.lag;
    let committed = l.committed.unwrap_or(0);
    let position = l.position.unwrap_or(committed).max(committed);
    let line = records::partition_line(log);
    html! {
        <li class={classes!("log", (log.duplicates > 0).then_some("has-duplicates"))} aria-label={line.clone()}>
            <span class="log-bar" style={format!("width:{:.1}%", pct(l.log_end_offset, longest))}>
                <span class="log-committed" style={format!("width:{:.1}%", pct(committed, l.log_end_offset.max(1)))}></span>
                <span class="log-processed" style={format!("width:{:.1}%", pct(position - committed, l.log_end_offset.max(1)))}></span>
                { for log.poison_pills.iter().map(|&o| html! {
                    <span class="log-pill" title={format!("poison pill at offset {o}")} style={format!("left:{:.1}%", pct(o, l.log_end_offset.max(1)))}></span>
                }) }
            </span>
            <span class="log-text">{ line }</span>
        </li>
    }
}
