//! Rebalance Lab: Kafka consumer groups simulated faithfully.
//!
//! * [`sim`] is the model: pure, deterministic Rust with a virtual clock, no web crates.
//! * [`session`] runs the model for a user: one World per strategy, replayed actions, share links,
//!   lessons. No web crates either; the page, the `lab` command line and the tests share it.
//! * [`ui`] is the Yew playground that renders the model's snapshots and sends it typed actions.
//!
//! Each layer uses only the ones below it: `ui → session → sim`.

pub mod session;
pub mod sim;
pub mod ui;

/// In the browser, Talc allocates instead of Rust's default `dlmalloc`: the page is 2.8 KB smaller
/// gzipped and no slower (PERFORMANCE.md, "The page's size"). The page is one thread, so the
/// single-threaded allocator is the one.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
