//! Web entry point built by Trunk: installs the panic hook (the crash page, `ui::crash`) and mounts
//! the playground.

fn main() {
    rebalance_lab::ui::crash::install();
    yew::Renderer::<rebalance_lab::ui::App>::new().render();
}
