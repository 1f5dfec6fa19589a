//! The page's effects, one named hook each: the [`clock`] that plays the simulation, the
//! [`keyboard`] shortcuts, the [`share_link`] in the address bar, and the [`width`] of a diagram.

pub mod clock;
pub mod keyboard;
pub mod share_link;
pub mod width;
