fn main() {
    std::process::exit(zan_cli::run());
}

#[path = "cli/mod.rs"]
mod zan_cli;
