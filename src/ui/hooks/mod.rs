//! The page's effects, one named hook each: the [`clock`] that plays the simulation, the
//! [`keyboard`] shortcuts, an [`embed`]'s start and loop, the [`share_link`] in the address bar, the [`width`] of a diagram, and
//! the mark of the [`first_render`], whether a part of the page is [`in_view`], and
//! [`presenter`] mode.

pub mod clock;
pub mod embed;
pub mod first_render;
pub mod in_view;
pub mod keyboard;
pub mod presenter;
pub mod share_link;
pub mod width;
