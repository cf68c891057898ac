//! Generates the lalrpop parsers (KQL query grammar, Sigma condition grammar) into OUT_DIR,
//! so generated code stays out of git.
fn main() {
    println!("cargo:rerun-if-changed=src");
    if let Err(error) = lalrpop::Configuration::new()
        .use_cargo_dir_conventions()
        .process()
    {
        eprintln!("lalrpop grammar failed to build: {error}");
        std::process::exit(1);
    }
}
