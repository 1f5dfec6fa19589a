//! The ownership timeline: one row per partition, the owner's colour over time, hatched gaps where
//! nobody consumes, and a band per rebalance with its reason and duration. Hovering or focusing a
//! band shows the assignment before and after it, in a panel under the chart.

use crate::sim::consumption::{handovers, Handover, PartitionOwner};
use crate::sim::metrics::{Metrics, PartitionTimeline, RebalanceRecord};
use crate::sim::time::Millis;
use crate::ui::components::palette::swatch_for;
use crate::ui::hooks::in_view::use_in_view;
use crate::ui::hooks::width::use_width;
use std::collections::BTreeMap;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

const LABEL_W: f64 = 64.0;
const ROW_H: f64 = 24.0;
/// Compare columns are half as wide: rows stay tall enough for a 12 px label.
const COMPACT_ROW_H: f64 = 17.0;
/// One line of rebalance labels in the header.
const LABEL_LINE_H: f64 = 17.0;
/// Past this many lines, a label that fits nowhere shrinks to "g7".
const MAX_LABEL_LINES: usize = 4;
/// Rough advance of one character of a 13 px bold label: generous, so estimates never overlap.
const LABEL_CHAR_W: f64 = 7.6;
/// Space between two labels on one line.
const LABEL_GAP: f64 = 10.0;

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub metrics: Rc<Metrics>,
    pub group: String,
    /// The time the metrics were computed at (not the clock): the chart redraws only when they refresh.
    pub now: Millis,
    /// Distinguishes the SVG pattern ids when several timelines share the page.
    pub id: String,
    #[prop_or_default]
    pub compact: bool,
    /// Click-to-seek: called with the time under a click on the chart (the main tab's timeline).
    #[prop_or_default]
    pub on_seek: Option<Callback<Millis>>,
    /// The clock plays: out of view, the chart keeps what it last drew (see `hooks::in_view`).
    #[prop_or_default]
    pub live: bool,
}

/// The chart's frame: its width, and what it shows. While the clock plays and the chart is out of
/// view (500 rows below the fold), it keeps the metrics it last drew, so a refresh does not
/// rebuild it; it catches up as it comes near the viewport, and whenever the clock stops.
#[function_component(Timeline)]
pub fn timeline(props: &TimelineProps) -> Html {
    let wrap = use_node_ref();
    let width = use_width(wrap.clone(), 1000.0).max(320.0);
    let in_view = use_in_view(wrap.clone());
    let shown = use_mut_ref(|| (props.metrics.clone(), props.now));
    if in_view || !props.live {
        *shown.borrow_mut() = (props.metrics.clone(), props.now);
    }
    let (metrics, now) = shown.borrow().clone();
    html! {
        <div ref={wrap} class={classes!("timeline-wrap", props.compact.then_some("compact"))}>
            <TimelineChart metrics={metrics} now={now} width={width} group={props.group.clone()} id={props.id.clone()}
                compact={props.compact} on_seek={props.on_seek.clone()} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ChartProps {
    metrics: Rc<Metrics>,
    group: String,
    now: Millis,
    width: f64,
    id: String,
    compact: bool,
    on_seek: Option<Callback<Millis>>,
}

/// Where things go: the chart's width (its container's, in px), the time span it covers, and the
/// height of the header that holds the rebalance labels.
struct Axis {
    width: f64,
    span: Millis,
    head: f64,
}

impl Axis {
    fn x(&self, t: Millis) -> f64 {
        LABEL_W + (self.width - LABEL_W - 8.0) * (t as f64 / self.span as f64)
    }
}

/// What a band says: the headline and who owned what before and after it.
#[derive(Clone, Debug, PartialEq)]
struct BandFacts {
    generation: i32,
    /// KIP-848: the band is a group epoch bump, and `generation` the epoch.
    epoch_bump: bool,
    reason: String,
    /// Where the band ends: the group Stable again, or now.
    until: Millis,
    duration_s: f64,
    before: String,
    after: String,
}

impl BandFacts {
    fn summary(&self) -> String {
        format!(
            // "lasted": a bare "6.0 s" after the reason read as the time it happened.
            "{} {} · {} · lasted {:.1} s",
            if self.epoch_bump {
                "epoch"
            } else {
                "generation"
            },
            self.generation,
            self.reason,
            self.duration_s
        )
    }
}

/// A placed label: its line in the header, where its text starts, and whether it is the short form.
#[derive(Clone, Copy, Debug, PartialEq)]
struct LabelSlot {
    line: usize,
    x: f64,
    short: bool,
}

/// The metrics a chart drew, compared by address: a refresh makes a new `Rc`, and comparing two
/// metrics field by field would cost more than drawing them.
#[derive(Clone)]
struct SameMetrics(Rc<Metrics>);

impl PartialEq for SameMetrics {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// What one metrics refresh draws, worked out once: a pointer moving over the chart re-renders it
/// and must not lay out 500 rows again.
struct Layout {
    axis: Axis,
    height: f64,
    row_h: f64,
    labels: Rc<Vec<String>>,
    /// Each fill (an owner's colour, or the hatch) with every interval of that fill, in every row.
    fills: Vec<(String, String)>,
    bands: Vec<(Millis, BandFacts, Option<LabelSlot>)>,
}

fn layout(props: &ChartProps, rows: &[&PartitionTimeline], hatch: &str) -> Layout {
    let width = props.width;
    let rebalances: &[RebalanceRecord] = props
        .metrics
        .groups
        .get(&props.group)
        .map_or(&[], |g| &g.rebalances);
    let facts: Vec<BandFacts> = rebalances
        .iter()
        .zip(handovers(&props.metrics, &props.group, props.now))
        .map(|(r, handover)| band_facts(r, &handover))
        .collect();
    let span = axis_span(props.now);
    // Label placement needs x positions but not the header height: lay out with a provisional axis.
    let slots: Vec<Option<LabelSlot>> = if props.compact {
        vec![None; facts.len()]
    } else {
        let provisional = Axis {
            width,
            span,
            head: 0.0,
        };
        place_labels(
            &facts
                .iter()
                .zip(rebalances)
                .map(|(f, r)| (provisional.x(r.started_at), long_label(f), short_label(f)))
                .collect::<Vec<_>>(),
            width,
        )
    };
    let lines = slots
        .iter()
        .flatten()
        .map(|s| s.line + 1)
        .max()
        .unwrap_or(0);
    let axis = Axis {
        width,
        span,
        head: LABEL_LINE_H * lines.max(1) as f64 + 16.0,
    };
    let row_h = if props.compact { COMPACT_ROW_H } else { ROW_H };
    let multi_topic = rows
        .windows(2)
        .any(|w| w[0].partition.topic != w[1].partition.topic);
    let labels = rows.iter().map(|row| row_label(row, multi_topic)).collect();
    Layout {
        fills: fill_paths(rows, &axis, row_h, hatch, props.now),
        height: axis.head + row_h * rows.len() as f64 + 22.0,
        axis,
        row_h,
        labels: Rc::new(labels),
        bands: rebalances
            .iter()
            .zip(facts)
            .zip(slots)
            .map(|((r, f), slot)| (r.started_at, f, slot))
            .collect(),
    }
}

/// The chart draws one `<path>` per fill (an owner's colour, or the hatch where nobody consumes),
/// each interval of that fill a sub-rectangle in its row. A `<rect>` and a `<title>` per interval
/// made a 500-partition chart about 5,000 SVG elements, all created at once when a chart out of
/// view catches up (the Pause click in Compare spent most of its 200–300 ms creating them); the
/// pointer's row and time are read out under the chart instead of in a tooltip per interval.
fn fill_paths(
    rows: &[&PartitionTimeline],
    axis: &Axis,
    row_h: f64,
    hatch: &str,
    now: Millis,
) -> Vec<(String, String)> {
    let mut fills: Vec<(String, String)> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let y = axis.head + row_h * i as f64 + 2.0;
        for iv in &row.intervals {
            let fill = match (&iv.owner, iv.consuming) {
                (Some(owner), true) => swatch_for(owner).colour.to_string(),
                _ => format!("url(#{hatch})"),
            };
            let x0 = axis.x(iv.from);
            // A running interval reaches the right edge; the chart's clip cuts it at the metrics'
            // time, so a row changes only when its owners do, not as time passes.
            let x1 = if iv.to >= now {
                axis.x(axis.span)
            } else {
                axis.x(iv.to)
            };
            let d = sub_rect(x0, (x1 - x0).max(0.0), y, row_h - 4.0);
            match fills.iter_mut().find(|(f, _)| *f == fill) {
                Some((_, path)) => path.push_str(&d),
                None => fills.push((fill, d)),
            }
        }
    }
    fills
}

#[function_component(TimelineChart)]
fn timeline_chart(props: &ChartProps) -> Html {
    let width = props.width;
    // The band under the pointer or keyboard focus, by index into the group's rebalances.
    let active = use_state_eq(|| None::<usize>);
    // The row and the time under the pointer, read out under the chart.
    let pointer = use_state_eq(|| None::<(usize, Millis)>);
    let rows: Vec<&PartitionTimeline> = props
        .metrics
        .timelines
        .iter()
        .filter(|t| t.group == props.group)
        .collect();
    let hatch = format!("hatch-{}", props.id);
    let layout = use_memo(
        (
            SameMetrics(props.metrics.clone()),
            props.now,
            width.to_bits(),
            props.compact,
            props.group.clone(),
        ),
        |_| layout(props, &rows, &hatch),
    );
    if rows.is_empty() {
        return html! { <p class="empty">{ format!("No partitions to show for {} yet.", props.group) }</p> };
    }
    let Layout {
        axis,
        height,
        row_h,
        ..
    } = &*layout;
    let (height, row_h, span) = (*height, *row_h, axis.span);
    let now_clip = format!("now-{}", props.id);
    let shown = (*active).and_then(|i| layout.bands.get(i)).map(|b| &b.1);
    let under_pointer = (*pointer).and_then(|(i, t)| {
        let row = rows.get(i)?;
        Some(row_readout(row, t.min(props.now), props.now))
    });
    let on_click = props.on_seek.clone().map(|seek| {
        let now = props.now;
        Callback::from(move |e: MouseEvent| {
            if let Some((x, _)) = svg_point(&e, width, height) {
                if let Some(t) = axis_time(width, span, x) {
                    seek.emit(t.min(now));
                }
            }
        })
    });
    let on_move = {
        let pointer = pointer.clone();
        let (head, count) = (axis.head, rows.len());
        Callback::from(move |e: MouseEvent| {
            let at = svg_point(&e, width, height).and_then(|(x, y)| {
                let row = ((y - head) / row_h).floor();
                let t = axis_time(width, span, x)?;
                (row >= 0.0 && (row as usize) < count).then_some((row as usize, t))
            });
            pointer.set(at);
        })
    };
    let on_out = {
        let pointer = pointer.clone();
        Callback::from(move |_: MouseEvent| pointer.set(None))
    };
    let seekable = on_click.is_some();
    html! {
        <>
            <svg class={classes!("timeline", seekable.then_some("seekable"))} viewBox={format!("0 0 {width} {height}")} role="figure"
                aria-label={format!("Ownership timeline of {}", props.group)} onclick={on_click}
                onmousemove={on_move} onmouseleave={on_out}>
                if seekable { <title>{ "Click to show the run at that time" }</title> }
                <defs>
                    <pattern id={hatch.clone()} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                        <rect width="6" height="6" class="gap-bg" />
                        <line x1="0" y1="0" x2="0" y2="6" class="gap-line" stroke-width="3" />
                    </pattern>
                    <clipPath id={now_clip.clone()}>
                        <rect x="0" y="0" width={axis.x(props.now).to_string()} height={height.to_string()} />
                    </clipPath>
                </defs>
                { time_ticks(axis, height) }
                <RowLabels labels={layout.labels.clone()} head={axis.head} row_h={row_h} />
                <g clip-path={format!("url(#{now_clip})")}>
                    // Keyed by fill: Yew rewrites a path's `d` only when its intervals changed.
                    { for layout.fills.iter().map(|(fill, d)| html! {
                        <path key={fill.clone()} d={d.clone()} fill={fill.clone()} class="interval" />
                    }) }
                </g>
                { for layout.bands.iter().enumerate().map(|(i, (started_at, facts, slot))| {
                    let band = Band { started_at: *started_at, facts, slot: *slot };
                    rebalance_band(&band, axis, height, hover_callbacks(&active, i))
                }) }
                <line class="now-line" x1={axis.x(props.now).to_string()} x2={axis.x(props.now).to_string()} y1={axis.head.to_string()} y2={(height - 18.0).to_string()} />
            </svg>
            { band_detail(shown, under_pointer, props.compact) }
        </>
    }
}

/// The point under a mouse event in the chart's own units (its viewBox is `width` × `height`; its
/// height follows its width). The event's target is the element under the pointer, inside the chart:
/// Yew listens at the page's root, so the event's current target is not the chart.
fn svg_point(e: &MouseEvent, width: f64, height: f64) -> Option<(f64, f64)> {
    let svg = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())?
        .closest("svg.timeline")
        .ok()??;
    let rect = svg.get_bounding_client_rect();
    let x = (e.client_x() as f64 - rect.left()) * width / rect.width().max(1.0);
    let y = (e.client_y() as f64 - rect.top()) * height / rect.height().max(1.0);
    Some((x, y))
}

#[derive(Properties, PartialEq)]
struct RowLabelsProps {
    labels: Rc<Vec<String>>,
    head: f64,
    row_h: f64,
}

/// The partitions' names down the left edge: they change only when the rows do, not as time passes.
#[function_component(RowLabels)]
fn row_labels(props: &RowLabelsProps) -> Html {
    html! {
        <g class="row-labels">
            { for props.labels.iter().enumerate().map(|(i, label)| html! {
                <text x="4" y={(props.head + props.row_h * (i as f64 + 0.72)).to_string()} class="row-label">{ label }</text>
            }) }
        </g>
    }
}

/// The time under x on a chart `width` wide covering `span`; `None` left of the time axis.
fn axis_time(width: f64, span: Millis, x: f64) -> Option<Millis> {
    let fraction = (x - LABEL_W) / (width - LABEL_W - 8.0).max(1.0);
    (fraction >= 0.0).then(|| (fraction.min(1.0) * span as f64).round() as Millis)
}

/// The before → after of the hovered or focused band, as visible text: a tooltip alone is neither
/// keyboard-reachable nor readable from the back row. Without a band, the row and time under the
/// pointer; without either, a hint.
fn band_detail(facts: Option<&BandFacts>, under_pointer: Option<String>, compact: bool) -> Html {
    match (facts, under_pointer) {
        (Some(f), _) => html! {
            <p class="band-detail" role="status" aria-live="polite">
                <strong>{ capitalise(&f.summary()) }</strong>
                { " — before: " }<span class="owners">{ &f.before }</span>
                { " → after: " }<span class="owners">{ &f.after }</span>
            </p>
        },
        // Not announced: it changes with every move of the mouse.
        (None, Some(readout)) => html! {
            <p class="band-detail pointer" role="status" aria-live="off">{ readout }</p>
        },
        // A Compare lane's chart is narrow: a short hint, which also keeps the line a readout takes, so
        // the lanes do not grow and shrink as the pointer crosses a chart.
        (None, None) if compact => html! {
            <p class="band-detail hint" role="status" aria-live="polite">
                { "Point at a row or a band for details." }
            </p>
        },
        (None, None) => html! {
            <p class="band-detail hint" role="status" aria-live="polite">
                { "Point at a row to see who consumed it when; hover a rebalance band, or Tab to it, to see who owned what before → after." }
            </p>
        },
    }
}

/// The summary starts with "epoch" or "generation": ASCII case mapping is enough (the Unicode case
/// tables would add ~20 KB to the page's wasm).
fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => std::iter::once(c.to_ascii_uppercase())
            .chain(chars)
            .collect(),
        None => String::new(),
    }
}

/// Focus and hover both mark a band active; leaving clears it only if it is still that band, so
/// moving from one band straight to the next never flickers back to empty.
struct HoverCallbacks {
    enter: Callback<()>,
    leave: Callback<()>,
}

fn hover_callbacks(active: &UseStateHandle<Option<usize>>, i: usize) -> HoverCallbacks {
    let enter = {
        let active = active.clone();
        Callback::from(move |_| active.set(Some(i)))
    };
    let leave = {
        let active = active.clone();
        Callback::from(move |_| {
            if *active == Some(i) {
                active.set(None)
            }
        })
    };
    HoverCallbacks { enter, leave }
}

fn time_ticks(axis: &Axis, height: f64) -> Html {
    let step = nice_step(axis.span);
    let ticks: Vec<Millis> = (0..=axis.span / step).map(|i| i * step).collect();
    // The last tick sits at the right edge: anchored at its end so it is not cut off.
    html! {
        <g class="ticks">
            { for ticks.into_iter().map(|t| html! {
                <g>
                    <line x1={axis.x(t).to_string()} x2={axis.x(t).to_string()} y1={(axis.head - 4.0).to_string()} y2={(height - 18.0).to_string()} class="tick-line" />
                    <text x={axis.x(t).to_string()} y={(height - 3.0).to_string()} class="tick-label"
                        text-anchor={if t == axis.span { "end" } else { "middle" }}>{ format!("{}s", t / 1000) }</text>
                </g>
            }) }
        </g>
    }
}

/// The axis grows in steps (30 s, 60 s, 90 s, …, then whole minutes): bars stay put between steps,
/// so the chart is not laid out anew on every frame.
fn axis_span(now: Millis) -> Millis {
    let step = if now < 180_000 { 30_000 } else { 60_000 };
    (now / step + 1).max(1) * step
}

/// 5 s, 10 s, 30 s, 1 min, … so that about eight ticks fit.
fn nice_step(span: Millis) -> Millis {
    const STEPS: [Millis; 8] = [
        5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000,
    ];
    STEPS
        .into_iter()
        .find(|s| span / s <= 8)
        .unwrap_or(1_800_000)
}

/// A row's name: "P3", or "orders-3" when the chart shows several topics.
fn row_label(row: &PartitionTimeline, multi_topic: bool) -> String {
    if multi_topic {
        row.partition.to_string()
    } else {
        format!("P{}", row.partition.partition)
    }
}

/// One interval as a closed sub-path: a rectangle `w` wide and `h` high from (`x`, `y`). Two
/// decimals are a hundredth of a pixel: finer than any screen, and a shorter attribute to write.
fn sub_rect(x: f64, w: f64, y: f64, h: f64) -> String {
    format!("M{x:.2} {y:.2}h{w:.2}v{h:.2}h{:.2}z", -w)
}

/// What the pointer is over: the partition, the time, and who had it then, as "orders-3 at 12.3 s:
/// c1 consuming, 3.0–14.0 s" (the interval still running at the metrics' time `now` says "since").
fn row_readout(row: &PartitionTimeline, t: Millis, now: Millis) -> String {
    let at = format!("{} at {:.1} s", row.partition, t as f64 / 1000.0);
    let Some(iv) = row
        .intervals
        .iter()
        .find(|iv| iv.from <= t && (t < iv.to || iv.to >= now))
    else {
        return format!("{at}: nothing recorded yet");
    };
    let from = iv.from as f64 / 1000.0;
    let when = if iv.to >= now {
        format!("since {from:.1} s")
    } else {
        format!("{from:.1}–{:.1} s", iv.to as f64 / 1000.0)
    };
    let what = match (&iv.owner, iv.consuming) {
        (Some(o), true) => format!("{o} consuming"),
        (Some(o), false) => format!("owned by {o} but not consumed"),
        (None, _) => "nobody consuming".to_string(),
    };
    format!("{at}: {what}, {when}")
}

/// The facts of one rebalance: reason, duration (so far, if it is still running) and the owners
/// before and after it.
fn band_facts(r: &RebalanceRecord, handover: &Handover) -> BandFacts {
    let reason = if r.reason_label.is_empty() {
        "rebalance".to_string()
    } else {
        r.reason_label.clone()
    };
    BandFacts {
        generation: r.generation,
        epoch_bump: r.epoch_bump,
        reason,
        until: handover.until,
        duration_s: handover.until.saturating_sub(r.started_at) as f64 / 1000.0,
        before: owners_text(&handover.before),
        after: owners_text(&handover.after),
    }
}

/// Owners in name order with their partitions, as "c1: P0 P1 · c2: P2 · nobody: P3".
fn owners_text(owners: &[PartitionOwner]) -> String {
    let mut by_owner: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for o in owners {
        by_owner
            .entry(o.owner.as_deref().unwrap_or("nobody"))
            .or_default()
            .push(format!("P{}", o.partition.partition));
    }
    by_owner
        .into_iter()
        .map(|(owner, partitions)| format!("{owner}: {}", partitions.join(" ")))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn long_label(f: &BandFacts) -> String {
    format!(
        "▼ {} {} · {} · lasted {:.1} s",
        if f.epoch_bump { "epoch" } else { "gen" },
        f.generation,
        f.reason,
        f.duration_s
    )
}

fn short_label(f: &BandFacts) -> String {
    format!("{}{}", if f.epoch_bump { "e" } else { "g" }, f.generation)
}

fn text_width(text: &str) -> f64 {
    text.chars().count() as f64 * LABEL_CHAR_W
}

/// Puts each label (band start, long text, short text) on the first header line where it clears
/// the label before it, opening lines up to [`MAX_LABEL_LINES`]. When every line is taken, the last
/// label of a line shrinks to its short form ("g7") to make room for this one's short form; a label
/// that fits nowhere even then is left out (its band is still there to hover or focus).
fn place_labels(labels: &[(f64, String, String)], width: f64) -> Vec<Option<LabelSlot>> {
    let start = |i: usize, text: &str| {
        // Labels near the right edge are pulled left so they stay inside the chart.
        (labels[i].0 + 6.0)
            .min(width - text_width(text) - 4.0)
            .max(0.0)
    };
    let mut slots: Vec<Option<LabelSlot>> = vec![None; labels.len()];
    // The index of the last label on each line.
    let mut last: Vec<usize> = Vec::new();
    let end = |slots: &[Option<LabelSlot>], j: usize| {
        slots[j].map_or(0.0, |s: LabelSlot| {
            s.x + text_width(if s.short { &labels[j].2 } else { &labels[j].1 })
        })
    };
    for i in 0..labels.len() {
        let mut placed = None;
        for (text, short) in [(&labels[i].1, false), (&labels[i].2, true)] {
            let x = start(i, text);
            let line = (0..last.len())
                .find(|&l| end(&slots, last[l]) + LABEL_GAP <= x)
                .or_else(|| (last.len() < MAX_LABEL_LINES).then_some(last.len()));
            if let Some(line) = line {
                placed = Some(LabelSlot { line, x, short });
                break;
            }
        }
        if placed.is_none() {
            let x = start(i, &labels[i].2);
            let roomy = (0..last.len()).find(|&l| {
                let j = last[l];
                slots[j]
                    .is_some_and(|s| !s.short && s.x + text_width(&labels[j].2) + LABEL_GAP <= x)
            });
            if let Some(line) = roomy {
                if let Some(s) = slots[last[line]].as_mut() {
                    s.short = true;
                }
                placed = Some(LabelSlot {
                    line,
                    x,
                    short: true,
                });
            }
        }
        if let Some(slot) = placed {
            if slot.line == last.len() {
                last.push(i);
            } else {
                last[slot.line] = i;
            }
            slots[i] = Some(slot);
        }
    }
    slots
}

struct Band<'a> {
    started_at: Millis,
    facts: &'a BandFacts,
    slot: Option<LabelSlot>,
}

fn rebalance_band(band: &Band, axis: &Axis, height: f64, hover: HoverCallbacks) -> Html {
    let f = band.facts;
    let x0 = axis.x(band.started_at);
    let x1 = axis.x(f.until).max(x0 + 3.0);
    let summary = f.summary();
    let (on_enter, on_focus) = (hover.enter.clone(), hover.enter);
    let (on_leave, on_blur) = (hover.leave.clone(), hover.leave);
    html! {
        <g class="rebalance" tabindex="0" aria-label={format!("Rebalance to {summary}. Before: {}. After: {}.", f.before, f.after)}
            onmouseenter={Callback::from(move |_: MouseEvent| on_enter.emit(()))}
            onmouseleave={Callback::from(move |_: MouseEvent| on_leave.emit(()))}
            onfocus={Callback::from(move |_: FocusEvent| on_focus.emit(()))}
            onblur={Callback::from(move |_: FocusEvent| on_blur.emit(()))}>
            <title>{ format!("{summary}\nbefore: {}\nafter: {}", f.before, f.after) }</title>
            <rect x={x0.to_string()} y={(axis.head - 6.0).to_string()} width={(x1 - x0).to_string()} height={(height - axis.head - 12.0).to_string()} class="band" />
            <path d={format!("M{} {} l-5 -8 h10 z", x0, axis.head - 6.0)} class="marker" />
            if let Some(slot) = band.slot {
                <text x={slot.x.to_string()} y={(14.0 + LABEL_LINE_H * slot.line as f64).to_string()} class="band-label">
                    { if slot.short { short_label(f) } else { long_label(f) } }
                </text>
            }
        </g>
    }
}

#[cfg(test)]
mod tests {
    use super::{owners_text, place_labels, row_readout, sub_rect, LabelSlot, MAX_LABEL_LINES};
    use crate::session::lessons::LESSONS;
    use crate::sim::assign::TopicPartition;
    use crate::sim::consumption::{handovers, PartitionOwner};
    use crate::sim::metrics::compute;
    use crate::sim::metrics::{OwnershipInterval, PartitionTimeline};
    use crate::sim::{Action, World};

    /// The basics lesson (3 consumers, 6 partitions, eager range) with a fourth consumer at 20 s, the
    /// consumers named c1 < c2 < c3 < c4 by `client.id` so that range takes them in that order.
    fn a_fourth_joins() -> World {
        let named = |i: usize| {
            [(
                "client.id".to_string(),
                crate::sim::scenario::ConfigValue(format!("c{i}")),
            )]
            .into_iter()
            .collect::<crate::sim::scenario::ConfigOverrides>()
        };
        let mut scenario = LESSONS[0].scenario();
        for (i, c) in scenario.consumers.iter_mut().enumerate() {
            c.config = named(i + 1);
        }
        let mut world = World::new(&scenario).unwrap();
        world.run_until(20_000);
        world
            .apply(Action::AddConsumer {
                group: "orders-app".into(),
                topics: vec!["orders".into()],
                config: named(4),
            })
            .unwrap();
        world.run_until(40_000);
        world
    }

    #[test]
    fn a_band_tells_the_assignment_before_and_after_its_rebalance() {
        let world = a_fourth_joins();
        let metrics = compute(world.trace(), world.now());
        let i = metrics.groups["orders-app"]
            .rebalances
            .iter()
            .position(|r| r.generation == 2)
            .unwrap();
        let handover = &handovers(&metrics, "orders-app", world.now())[i];
        assert_eq!(
            owners_text(&handover.before),
            "c1: P0 P1 · c2: P2 P3 · c3: P4 P5"
        );
        assert_eq!(
            owners_text(&handover.after),
            "c1: P0 P1 · c2: P2 P3 · c3: P4 · c4: P5"
        );
    }

    #[test]
    fn partitions_nobody_owns_are_listed_under_nobody_in_name_order() {
        let owners: Vec<PartitionOwner> = (0..6)
            .map(|p| PartitionOwner {
                partition: TopicPartition::new("orders", p),
                owner: (p == 1).then(|| "zed".to_string()),
            })
            .collect();
        assert_eq!(owners_text(&owners), "nobody: P0 P2 P3 P4 P5 · zed: P1");
    }

    #[test]
    fn the_readout_names_who_had_the_partition_under_the_pointer() {
        let interval = |from, to, owner: Option<&str>, consuming| OwnershipInterval {
            from,
            to,
            owner: owner.map(str::to_string),
            consuming,
        };
        let row = PartitionTimeline {
            group: "orders-app".into(),
            partition: TopicPartition::new("orders", 3),
            intervals: vec![
                interval(1_000, 3_000, None, false),
                interval(3_000, 12_340, Some("c1"), true),
                interval(12_340, 15_000, Some("c1"), false),
                // Still running at the metrics' time, 20 s.
                interval(15_000, 20_000, Some("c2"), true),
            ],
        };
        let at = |t| row_readout(&row, t, 20_000);
        assert_eq!(at(500), "orders-3 at 0.5 s: nothing recorded yet");
        assert_eq!(at(2_000), "orders-3 at 2.0 s: nobody consuming, 1.0–3.0 s");
        assert_eq!(at(3_000), "orders-3 at 3.0 s: c1 consuming, 3.0–12.3 s");
        assert_eq!(
            at(14_000),
            "orders-3 at 14.0 s: owned by c1 but not consumed, 12.3–15.0 s"
        );
        assert_eq!(at(20_000), "orders-3 at 20.0 s: c2 consuming, since 15.0 s");
    }

    #[test]
    fn an_interval_is_a_closed_rectangle() {
        assert_eq!(
            sub_rect(64.0, 10.5, 2.0, 20.0),
            "M64.00 2.00h10.50v20.00h-10.50z"
        );
    }

    fn labels(starts: &[f64]) -> Vec<(f64, String, String)> {
        starts
            .iter()
            .enumerate()
            .map(|(i, x)| {
                (
                    *x,
                    format!("▼ gen {i} · member joined · lasted 0.8 s"),
                    format!("g{i}"),
                )
            })
            .collect()
    }

    #[test]
    fn labels_far_apart_share_the_first_line() {
        let slots = place_labels(&labels(&[100.0, 500.0, 900.0]), 1400.0);
        assert!(slots.iter().all(|s| matches!(
            s,
            Some(LabelSlot {
                line: 0,
                short: false,
                ..
            })
        )));
    }

    #[test]
    fn close_labels_open_new_lines_then_shrink_the_earlier_ones() {
        let starts: Vec<f64> = (0..5).map(|i| 100.0 + 30.0 * i as f64).collect();
        let slots = place_labels(&labels(&starts), 1400.0);
        let lines: Vec<_> = slots.iter().map(|s| s.map(|s| (s.line, s.short))).collect();
        assert_eq!(
            lines,
            [
                Some((0, true)),
                Some((1, false)),
                Some((2, false)),
                Some((3, false)),
                Some((0, true))
            ]
        );
        assert_eq!(MAX_LABEL_LINES, 4);
    }

    #[test]
    fn a_label_with_no_room_even_when_short_is_left_out() {
        let starts: Vec<f64> = (0..6).map(|i| 100.0 + 4.0 * i as f64).collect();
        let slots = place_labels(&labels(&starts), 1400.0);
        assert!(slots[..4].iter().all(Option::is_some));
        assert_eq!(slots[4], None);
        assert_eq!(slots[5], None);
    }

    #[test]
    fn a_label_at_the_right_edge_stays_inside() {
        let slots = place_labels(&labels(&[100.0, 1390.0]), 1400.0);
        let last = slots[1].unwrap();
        assert!(last.x + 30.0 * 7.6 <= 1400.0);
    }
}
