//! The Yew playground. Components render snapshots of the model and send it typed actions; no
//! protocol logic lives here. One component per thing the user sees:
//! [`toolbar`] (clock, lesson, share), [`rail`] (cluster, protocol choice, new consumer),
//! [`group_panel`] (group header and consumer cards), [`topic_view`] (partition strips),
//! [`timeline`], [`protocol_log`], [`metrics_panel`], [`code_panel`] and [`compare`].

pub mod app;
pub mod code_panel;
pub mod compare;
pub mod compare_controls;
pub mod group_panel;
pub mod hooks;
pub mod metrics_panel;
pub mod palette;
pub mod protocol_log;
pub mod rail;
pub mod scenario_file;
pub mod speed;
pub mod state;
pub mod timeline;
pub mod toolbar;
pub mod topic_view;

pub use app::App;
