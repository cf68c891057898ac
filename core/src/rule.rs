//! A rule as the user gave it: the detected language, its container (raw KQL, a Sentinel
//! analytics rule in YAML, Sigma YAML) and the parsed form.

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::kql;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Kql,
    Sigma,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LanguageHint {
    #[default]
    Auto,
    Kql,
    Sigma,
}

#[derive(Clone, Debug)]
pub struct Rule {
    pub language: Language,
    pub kql: Option<kql::Parsed>,
    /// Diagnostics with spans relative to the text given to [`Rule::load`].
    pub diagnostics: Vec<Diagnostic>,
}

impl Rule {
    pub fn load(text: &str, _hint: LanguageHint) -> Rule {
        let parsed = kql::parse(text);
        let diagnostics = parsed.diagnostics.clone();
        Rule {
            language: Language::Kql,
            kql: Some(parsed),
            diagnostics,
        }
    }
}
