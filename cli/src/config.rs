//! `rulelab.toml`: project settings for `rulelab lint`, found in the current folder or the
//! nearest parent (or given with `--config`).
//!
//! ```toml
//! profile = "defender"          # sentinel | defender | none
//! [lint]
//! disable = ["mv-expand-without-limit"]
//! [lint.severity]
//! KQL312 = "error"
//! ```

use std::path::{Path, PathBuf};

use rulelab::kql::schema::Profile;
use rulelab::lint::LintConfig;
use serde::Deserialize;

pub const FILE_NAME: &str = "rulelab.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub profile: Option<String>,
    #[serde(default)]
    pub lint: LintConfig,
}

impl Config {
    pub fn profile(&self) -> Result<Option<Profile>, String> {
        match &self.profile {
            None => Ok(None),
            Some(name) => Profile::parse(name)
                .map(Some)
                .ok_or_else(|| format!("unknown profile `{name}` (sentinel, defender, none)")),
        }
    }
}

/// The nearest `rulelab.toml` from `start` upwards.
pub fn find(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|path| path.is_file())
}

/// Reads a config file; errors name the file and say what is wrong.
pub fn load(path: &Path) -> Result<Config, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_profile_disable_and_severity() {
        let config: Config = toml::from_str(
            "profile = \"defender\"\n[lint]\ndisable = [\"KQL307\"]\n[lint.severity]\nKQL312 = \"error\"\n",
        )
        .unwrap();
        assert_eq!(config.profile().unwrap(), Some(Profile::Defender));
        assert_eq!(config.lint.disable, vec!["KQL307"]);
        assert_eq!(
            config.lint.severity.get("KQL312"),
            Some(&rulelab::Severity::Error)
        );
    }

    #[test]
    fn unknown_keys_and_profiles_are_errors() {
        assert!(toml::from_str::<Config>("colour = 1").is_err());
        let config: Config = toml::from_str("profile = \"splunk\"").unwrap();
        assert!(config.profile().is_err());
    }
}
