//! The Yew playground: the [`app`] lays out the page, [`components`] draw what the user sees (grouped
//! by where it sits on the page), [`hooks`] hold the page's effects (the clock, the keyboard, the
//! share link, measuring), and [`state`] is the page's state: plain data and one handle to the
//! session's Lab. Components render snapshots of the model and send it typed actions; no protocol
//! logic lives here: what a snapshot or a trace means is answered by `sim` (see `sim::consumption`).

pub mod app;
pub mod components;
pub mod crash;
pub mod embed_page;
pub mod hooks;
pub mod number;
pub mod state;

pub use app::App;
