fn main() {
    std::process::exit(apparatus::cli::main());
}
