fn main() -> std::process::ExitCode {
    hourbank_server::cli::main()
}
