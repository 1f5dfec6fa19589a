//! `lab`: the command-line interface over the Rebalance Lab model.

fn main() {
    eprintln!("usage: lab <command>");
    std::process::exit(2);
}
