//! The native integration tests, one crate (`cargo test --test model`): the model through the World's
//! public face (actions in, snapshots and the trace out), the CLI, the conformance data, the golden
//! trace digests and the shape of the code. The wasm test (`tests/web.rs`) stays apart.

mod common;
mod digest;

mod action_json;
mod architecture;
mod classic_eager;
mod cli;
mod cli_assign;
mod conformance;
mod cooperative_static;
mod decoders;
mod determinism;
mod export;
mod invariant_exceptions;
mod keys_moved;
mod kip848;
mod lag_over_time;
mod layers;
mod metrics_feed;
mod poison_pill;
mod poison_pill_random;
mod properties;
mod random_actions;
mod records;
mod records_random;
mod reference_traces;
mod regressions;
mod settings;
mod snippets;
mod sort;
mod static_catch_up;
mod threads;
mod upgrade;
mod world;
