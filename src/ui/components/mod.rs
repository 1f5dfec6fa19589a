//! What the user sees, grouped by where it is on the page. Components receive plain props (snapshots,
//! metrics, the page state's data) and send [`crate::ui::state::PageAction`]s; none decides anything
//! about the protocol.
//!
//! * [`toolbar`]: lesson, clock (play, step, speed, reset), share, embed, theme.
//! * [`rail`]: the protocol choice and comparison, the cluster, the new-consumer form.
//! * [`partitions`]: every topic's partitions, coloured by who consumes them.
//! * [`group`]: a group's header and its consumer cards.
//! * [`guide`]: a guided lesson's step, question and progress.
//! * [`consumer`]: what a consumer looks like wherever it appears: its actions, its state in words.
//! * [`compare`]: the same session under two or three strategies.
//! * [`tabs`]: the timeline, protocol, metrics and code views.
//! * [`scrubber`]: time both ways, under the toolbar.
//! * [`shortcuts`]: the `?` overlay listing every keyboard shortcut.
//! * [`export`]: the trace as JSON, the timeline and the protocol diagram as SVG and PNG.
//! * [`embed`]: the Embed dialog: one view or the whole page, its clock and height, as an iframe.
//! * [`scenario_file`]: the session as a scenario file, and loading one.
//! * [`palette`], [`forms`]: colours, and the small pieces every form uses.

pub mod compare;
pub mod consumer;
pub mod embed;
pub mod export;
pub mod forms;
pub mod group;
pub mod guide;
pub mod page_key;
pub mod palette;
pub mod partitions;
pub mod rail;
pub mod records;
pub mod scenario_file;
pub mod scrubber;
pub mod shortcuts;
pub mod tabs;
pub mod toolbar;
