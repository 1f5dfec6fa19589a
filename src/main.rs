//! Web entry point built by Trunk: installs the panic hook and mounts the playground.

fn main() {
    console_error_panic_hook::set_once();
    yew::Renderer::<rebalance_lab::ui::App>::new().render();
}
