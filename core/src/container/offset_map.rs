//! Maps byte offsets in an embedded text (a KQL query taken out of a YAML file, or a YAML
//! file after its indentation was repaired) back to the text the user gave.
//!
//! The embedded text is made of runs copied verbatim from the source ([`Segment`]s) plus
//! bytes the container synthesized (line breaks of a block scalar, folded spaces, decoded
//! escapes, inserted indentation). Offsets inside a run map exactly; synthesized bytes map to
//! the end of the run before them, which is where they stand in the source.

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::source::Span;

/// A run of `len` bytes that is identical in the embedded text (at `embedded`) and in the
/// source (at `source`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Segment {
    pub embedded: u32,
    pub source: u32,
    pub len: u32,
}

impl Segment {
    fn embedded_end(self) -> usize {
        self.embedded as usize + self.len as usize
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct OffsetMap {
    /// Sorted by `embedded` and by `source`, never overlapping.
    segments: Vec<Segment>,
    /// Where offsets go when there is no segment at all (an empty or unmappable text).
    fallback: u32,
    /// Indentation to put after each line break of a fix's replacement text, so that an edit
    /// inside a YAML block scalar stays inside it.
    #[serde(skip_serializing_if = "String::is_empty")]
    line_prefix: String,
}

impl OffsetMap {
    /// The embedded text is the source itself, starting at `start`.
    pub fn shifted(start: usize, len: usize) -> OffsetMap {
        let mut map = OffsetMap::unmapped(start);
        map.push(0, start, len);
        map
    }

    /// Nothing maps exactly; every offset goes to `at`.
    pub fn unmapped(at: usize) -> OffsetMap {
        OffsetMap {
            segments: Vec::new(),
            fallback: to_u32(at),
            line_prefix: String::new(),
        }
    }

    /// Appends a run; runs must come in order. Out-of-order or empty runs are ignored so
    /// that a confused caller degrades the mapping instead of corrupting it.
    pub fn push(&mut self, embedded: usize, source: usize, len: usize) {
        if len == 0 {
            return;
        }
        if let Some(last) = self.segments.last_mut() {
            if embedded < last.embedded_end() || source < last.source as usize + last.len as usize {
                return;
            }
            // Adjacent runs merge, which keeps tables of long verbatim texts short.
            if embedded == last.embedded_end() && source == last.source as usize + last.len as usize
            {
                last.len = to_u32(last.len as usize + len);
                return;
            }
        }
        self.segments.push(Segment {
            embedded: to_u32(embedded),
            source: to_u32(source),
            len: to_u32(len),
        });
    }

    pub fn set_line_prefix(&mut self, prefix: impl Into<String>) {
        self.line_prefix = prefix.into();
    }

    pub fn line_prefix(&self) -> &str {
        &self.line_prefix
    }

    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The source offset of an embedded offset.
    pub fn offset(&self, embedded: usize) -> usize {
        let index = self
            .segments
            .partition_point(|s| s.embedded as usize <= embedded);
        match index.checked_sub(1).and_then(|i| self.segments.get(i)) {
            Some(segment) => {
                let delta = (embedded - segment.embedded as usize).min(segment.len as usize);
                segment.source as usize + delta
            }
            // Before the first run: the synthesized prefix stands where the first run starts.
            None => self
                .segments
                .first()
                .map_or(self.fallback as usize, |s| s.source as usize),
        }
    }

    /// Maps a span; the end maps as "just after the last byte", so a span ending at a line
    /// break of a block scalar does not swallow the next line's indentation.
    pub fn span(&self, span: Span) -> Span {
        let start = self.offset(span.start as usize);
        let end = if span.end <= span.start {
            start
        } else {
            self.offset(span.end as usize - 1) + 1
        };
        Span::new(start, end.max(start))
    }

    /// Moves a diagnostic and its fixes from the embedded text to the source.
    pub fn diagnostic(&self, mut diagnostic: Diagnostic) -> Diagnostic {
        diagnostic.span = self.span(diagnostic.span);
        for fix in &mut diagnostic.fixes {
            for edit in &mut fix.edits {
                edit.span = self.span(edit.span);
                if !self.line_prefix.is_empty() && edit.text.contains('\n') {
                    edit.text = edit.text.replace('\n', &format!("\n{}", self.line_prefix));
                }
            }
        }
        diagnostic
    }

    /// Chains two maps: `self` maps A → B and `outer` maps B → C; the result maps A → C.
    /// Runs are split where `outer` has synthesized bytes.
    pub fn then(&self, outer: &OffsetMap) -> OffsetMap {
        let mut chained = OffsetMap::unmapped(outer.offset(self.fallback as usize));
        chained.line_prefix = self.line_prefix.clone();
        for inner in &self.segments {
            let (start, end) = (
                inner.source as usize,
                inner.source as usize + inner.len as usize,
            );
            let first = outer
                .segments
                .partition_point(|s| (s.embedded as usize + s.len as usize) <= start);
            for outer_segment in outer.segments.iter().skip(first) {
                let o_start = outer_segment.embedded as usize;
                let o_end = o_start + outer_segment.len as usize;
                if o_start >= end {
                    break;
                }
                let lo = start.max(o_start);
                let hi = end.min(o_end);
                if lo < hi {
                    chained.push(
                        inner.embedded as usize + (lo - start),
                        outer_segment.source as usize + (lo - o_start),
                        hi - lo,
                    );
                }
            }
        }
        chained
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_inside_runs_are_exact_and_gaps_map_to_the_run_end() {
        // "ab\ncd" taken from "  ab\n  cd": the line break is synthesized.
        let mut map = OffsetMap::unmapped(0);
        map.push(0, 2, 2);
        map.push(3, 7, 2);
        assert_eq!(map.offset(0), 2);
        assert_eq!(map.offset(1), 3);
        assert_eq!(map.offset(2), 4);
        assert_eq!(map.offset(3), 7);
        assert_eq!(map.offset(5), 9);
        assert_eq!(map.span(Span::new(3, 5)), Span::new(7, 9));
        assert_eq!(map.span(Span::new(0, 3)), Span::new(2, 5));
    }

    #[test]
    fn empty_maps_use_the_fallback() {
        let map = OffsetMap::unmapped(42);
        assert_eq!(map.offset(7), 42);
        assert_eq!(map.span(Span::new(1, 3)), Span::new(42, 43));
    }

    #[test]
    fn chained_maps_split_at_insertions() {
        // A query at 10..20 of a repaired text, which inserted 2 bytes at original offset 14.
        let inner = OffsetMap::shifted(10, 10);
        let mut outer = OffsetMap::unmapped(0);
        outer.push(0, 0, 14);
        outer.push(16, 14, 100);
        let chained = inner.then(&outer);
        assert_eq!(chained.offset(0), 10);
        assert_eq!(chained.offset(3), 13);
        // Embedded 4 and 5 are the inserted bytes: they stand at original 14.
        assert_eq!(chained.offset(4), 14);
        assert_eq!(chained.offset(6), 14);
        assert_eq!(chained.offset(7), 15);
    }

    #[test]
    fn fix_text_is_reindented_for_block_scalars() {
        let mut map = OffsetMap::shifted(4, 10);
        map.set_line_prefix("  ");
        let diagnostic = Diagnostic::warning("KQL300", "x", "m", Span::new(0, 1)).with_fix(
            crate::diagnostic::Fix {
                title: "t".into(),
                edits: vec![crate::diagnostic::TextEdit {
                    span: Span::new(1, 2),
                    text: "a\nb".into(),
                }],
                is_safe: true,
            },
        );
        let moved = map.diagnostic(diagnostic);
        assert_eq!(moved.span, Span::new(4, 5));
        assert_eq!(moved.fixes[0].edits[0].span, Span::new(5, 6));
        assert_eq!(moved.fixes[0].edits[0].text, "a\n  b");
    }
}
