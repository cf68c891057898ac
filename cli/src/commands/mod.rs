//! One module per subcommand, plus what they share: the `--lang` option and how a run ends.

pub mod eval;
mod eval_batch;
mod eval_kql;
pub mod lint;
pub mod parse;
pub mod rules;

use std::process::ExitCode;

use clap::ValueEnum;
use rulelab::LanguageHint;

/// `--lang`: which language to read inputs as.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    /// Detect the language from the content.
    #[default]
    Auto,
    /// KQL, bare or inside a Sentinel analytics rule (YAML).
    Kql,
    /// Sigma YAML.
    Sigma,
}

impl From<Lang> for LanguageHint {
    fn from(lang: Lang) -> LanguageHint {
        match lang {
            Lang::Auto => LanguageHint::Auto,
            Lang::Kql => LanguageHint::Kql,
            Lang::Sigma => LanguageHint::Sigma,
        }
    }
}

/// How a run ended, worst first wins.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Every input read and no error-severity diagnostic.
    #[default]
    Clean,
    /// Some rule has an error-severity diagnostic.
    Findings,
    /// An input could not be read, or output could not be written.
    Failed,
}

impl Outcome {
    pub fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Clean => ExitCode::SUCCESS,
            Outcome::Findings => ExitCode::from(1),
            Outcome::Failed => ExitCode::from(2),
        }
    }
}
