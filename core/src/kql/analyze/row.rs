//! The columns a tabular expression produces, as far as the analyzer knows them.

use crate::value::ScalarType;

#[derive(Clone, Debug, PartialEq)]
pub struct RowColumn {
    pub name: String,
    /// `None` when the type is not known.
    pub ty: Option<ScalarType>,
}

/// Ordered columns. An *open* row may hold columns the analyzer cannot see (an unknown
/// table, `evaluate bag_unpack`, a stored function): unknown names are not reported there.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RowSchema {
    pub columns: Vec<RowColumn>,
    pub is_open: bool,
}

impl RowSchema {
    pub fn open() -> RowSchema {
        RowSchema {
            columns: Vec::new(),
            is_open: true,
        }
    }

    pub fn from_columns(
        columns: impl IntoIterator<Item = (String, Option<ScalarType>)>,
    ) -> RowSchema {
        RowSchema {
            columns: columns
                .into_iter()
                .map(|(name, ty)| RowColumn { name, ty })
                .collect(),
            is_open: false,
        }
    }

    pub fn column(&self, name: &str) -> Option<&RowColumn> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn has(&self, name: &str) -> bool {
        self.column(name).is_some()
    }

    /// Adds a column, or replaces the type of an existing one in place (as `extend` does).
    pub fn set(&mut self, name: &str, ty: Option<ScalarType>) {
        match self.columns.iter_mut().find(|c| c.name == name) {
            Some(column) => column.ty = ty,
            None => self.columns.push(RowColumn {
                name: name.to_string(),
                ty,
            }),
        }
    }

    pub fn remove(&mut self, name: &str) {
        self.columns.retain(|c| c.name != name);
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|c| c.name.as_str())
    }

    /// The closest column name, for "did you mean".
    pub fn closest(&self, name: &str) -> Option<&str> {
        crate::suggest::closest(name, self.names())
    }

    /// Names matching a `project-away`-style wildcard pattern (`Col*`, `*1`).
    pub fn matching(&self, pattern: &str) -> Vec<String> {
        self.names()
            .filter(|n| wildcard_match(pattern, n))
            .map(str::to_string)
            .collect()
    }
}

/// `*` matches any run of characters; everything else matches itself.
pub fn wildcard_match(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
        return pattern == name;
    };
    if parts.len() == 1 {
        return pattern == name;
    }
    if name.len() < first.len() + last.len() || !name.starts_with(first) || !name.ends_with(last) {
        return false;
    }
    let Some(mut rest) = name.get(first.len()..name.len() - last.len()) else {
        return false;
    };
    for middle in parts.iter().skip(1).take(parts.len().saturating_sub(2)) {
        match rest.find(middle) {
            Some(at) => rest = rest.get(at + middle.len()..).unwrap_or(""),
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(wildcard_match("*1", "DeviceId1"));
        assert!(wildcard_match("Device*", "DeviceName"));
        assert!(wildcard_match("*", "x"));
        assert!(wildcard_match("A*B*C", "AxxBxxC"));
        assert!(!wildcard_match("A*B*C", "AxxC"));
        assert!(!wildcard_match("*1", "DeviceId2"));
        assert!(!wildcard_match("ab*ba", "aba"));
    }
}
