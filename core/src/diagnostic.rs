//! Diagnostics: what went wrong or could be better, where, and how to fix it.
//!
//! Codes are stable: `KQL1xx` syntax, `KQL2xx` semantic, `KQL3xx` lint; `SIG1xx` YAML and
//! structure, `SIG2xx` semantic, `SIG3xx` lint. The `id` is a readable slug of the code.

use serde::{Deserialize, Serialize};

use crate::source::{LineIndex, Range, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        match text.to_ascii_lowercase().as_str() {
            "error" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "info" | "information" => Some(Severity::Info),
            "hint" => Some(Severity::Hint),
            _ => None,
        }
    }
}

/// Replace the text under `span` with `text`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextEdit {
    pub span: Span,
    pub text: String,
}

/// A fix is a set of edits applied together. Safe fixes keep the rule's meaning and may be
/// applied without review (`--fix`); unsafe ones are offered for the author to confirm.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<TextEdit>,
    #[serde(default)]
    pub is_safe: bool,
}

impl Fix {
    /// A fix that replaces one span, titled "Use `text`" (the common one-edit rewrite).
    pub fn replace_with(span: Span, text: String, is_safe: bool) -> Fix {
        Fix {
            title: format!("Use `{text}`"),
            edits: vec![TextEdit { span, text }],
            is_safe,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub code: String,
    pub id: String,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    /// Filled in by [`locate`] from the document text; editors use it directly.
    pub range: Range,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fixes: Vec<Fix>,
}

impl Diagnostic {
    pub fn new(
        code: &str,
        id: &str,
        severity: Severity,
        message: impl Into<String>,
        span: Span,
    ) -> Diagnostic {
        Diagnostic {
            code: code.to_string(),
            id: id.to_string(),
            severity,
            message: message.into(),
            span,
            range: Range::default(),
            help: None,
            fixes: Vec::new(),
        }
    }

    pub fn error(code: &str, id: &str, message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic::new(code, id, Severity::Error, message, span)
    }

    pub fn warning(code: &str, id: &str, message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic::new(code, id, Severity::Warning, message, span)
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Diagnostic {
        self.fixes.push(fix);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Moves the diagnostic (and its fixes) by `offset` bytes, e.g. from an embedded query
    /// to the file that holds it.
    pub fn shifted(mut self, offset: usize) -> Diagnostic {
        self.span = self.span.shifted(offset);
        for fix in &mut self.fixes {
            for edit in &mut fix.edits {
                edit.span = edit.span.shifted(offset);
            }
        }
        self
    }
}

/// Fills in editor ranges for diagnostics whose spans point into `text`.
pub fn locate(diagnostics: &mut [Diagnostic], text: &str) {
    if diagnostics.is_empty() {
        return;
    }
    let index = LineIndex::new(text);
    for diagnostic in diagnostics {
        diagnostic.range = index.range(text, diagnostic.span);
    }
}

/// Orders diagnostics by position, then code, and drops exact repeats.
pub fn sort_and_dedup(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| {
        (a.span.start, a.span.end, &a.code).cmp(&(b.span.start, b.span.end, &b.code))
    });
    diagnostics.dedup_by(|a, b| a.span == b.span && a.code == b.code && a.message == b.message);
}

/// Applies non-overlapping edits to a text; overlapping later edits are skipped.
pub fn apply_edits(text: &str, edits: &[TextEdit]) -> String {
    let mut sorted: Vec<&TextEdit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len());
    let mut cursor = 0usize;
    for edit in sorted {
        let (start, end) = (edit.span.start as usize, edit.span.end as usize);
        if start < cursor
            || end > text.len()
            || !text.is_char_boundary(start)
            || !text.is_char_boundary(end)
        {
            continue;
        }
        out.push_str(&text[cursor..start]);
        out.push_str(&edit.text);
        cursor = end;
    }
    out.push_str(text.get(cursor..).unwrap_or(""));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_apply_in_order_and_skip_overlaps() {
        let text = "where a contains 'x'";
        let edits = vec![
            TextEdit {
                span: Span::new(8, 16),
                text: "has".into(),
            },
            TextEdit {
                span: Span::new(0, 5),
                text: "filter".into(),
            },
            TextEdit {
                span: Span::new(10, 12),
                text: "zz".into(),
            },
        ];
        assert_eq!(apply_edits(text, &edits), "filter a has 'x'");
    }

    #[test]
    fn locate_fills_ranges() {
        let mut d = vec![Diagnostic::error(
            "KQL101",
            "syntax-error",
            "x",
            Span::new(4, 5),
        )];
        locate(&mut d, "ab\ncd\n");
        assert_eq!(d[0].range.start.line, 1);
        assert_eq!(d[0].range.start.character, 1);
    }
}
