fn main() {
    // `zan … | head` must end quietly like any Unix tool, not panic on a closed pipe.
    // SAFETY: restoring the default SIGPIPE action before any thread starts.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    std::process::exit(zan_cli::run());
}

#[path = "cli/mod.rs"]
mod zan_cli;
