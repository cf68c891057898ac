//! `rulelab`: the command line face of the rulelab core. JSON on stdout, human text on
//! stderr; exit 1 when a rule has errors, 2 when the command itself could not do its job.
//! Each subcommand is a module in `commands/` that only translates to and from the core.

mod commands;
mod config;
mod evtx;
mod input;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "rulelab",
    version,
    about = "Parse, lint, explain and evaluate detection rules in KQL and Sigma"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse rules and print one JSON line per input: {path|id, language, ok, diagnostics}.
    Parse(commands::parse::ParseArgs),
    /// Lint rules: annotated text, JSON lines {path|id, language, diagnostics}, or SARIF.
    Lint(commands::lint::LintArgs),
    /// The lint rule registry.
    Rules(commands::rules::RulesArgs),
    /// Evaluate rules on events: the matches as JSON, NDJSON or a table.
    Eval(commands::eval::EvalArgs),
}

fn main() -> ExitCode {
    // clap prints usage errors itself and exits with status 2.
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Parse(args) => commands::parse::run(&args),
        Command::Lint(args) => commands::lint::run(&args),
        Command::Rules(args) => commands::rules::run(&args),
        Command::Eval(args) => commands::eval::run(&args),
    };
    outcome.exit_code()
}
