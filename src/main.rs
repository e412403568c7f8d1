fn main() -> std::process::ExitCode {
    channelgraph::cli::main()
}
