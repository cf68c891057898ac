//! Source positions: byte [`Span`]s inside the core, LSP-style [`Range`]s at the boundary.
//!
//! Editors speak in 0-based lines and UTF-16 code units; the core speaks in byte offsets.
//! [`LineIndex`] converts between the two once per document.

use serde::{Deserialize, Serialize};

/// A half-open byte range `[start, end)` into a source text.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        let start = clamp_u32(start);
        let end = clamp_u32(end).max(start);
        Span { start, end }
    }

    pub fn empty(at: usize) -> Span {
        Span::new(at, at)
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// Shifts the span by `offset` bytes, e.g. from a query embedded in a YAML file.
    pub fn shifted(self, offset: usize) -> Span {
        Span::new(self.start as usize + offset, self.end as usize + offset)
    }

    pub fn contains(self, offset: usize) -> bool {
        (self.start as usize) <= offset && offset < self.end as usize
    }

    /// The text under the span, or "" when the span does not fit the text.
    pub fn text(self, source: &str) -> &str {
        source
            .get(self.start as usize..self.end as usize)
            .unwrap_or("")
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

fn clamp_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A position as editors count it: 0-based line, 0-based UTF-16 code unit in that line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Position {
    pub line: u32,
    pub character: u32,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    pub start: Position,
    pub end: Position,
}

/// Line starts of a text, for converting byte offsets to editor positions and back.
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// Byte offset where each line starts; always begins with 0.
    line_starts: Vec<u32>,
    /// Whether the text is pure ASCII, where UTF-16 columns equal byte columns.
    is_ascii: bool,
    text_len: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(clamp_u32(i + 1));
            }
        }
        LineIndex {
            line_starts,
            is_ascii: text.is_ascii(),
            text_len: clamp_u32(text.len()),
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 0-based line containing the byte offset (offsets past the end map to the last line).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = clamp_u32(offset).min(self.text_len);
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next.saturating_sub(1),
        }
    }

    /// Byte offset where a 0-based line starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts.get(line).copied().unwrap_or(self.text_len) as usize
    }

    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let character = if self.is_ascii {
            offset - start
        } else {
            // Offsets inside a multi-byte character count up to that character.
            let mut end = offset;
            while end > start && !text.is_char_boundary(end) {
                end -= 1;
            }
            text.get(start..end)
                .map(|s| s.encode_utf16().count())
                .unwrap_or(0)
        };
        Position {
            line: clamp_u32(line),
            character: clamp_u32(character),
        }
    }

    pub fn range(&self, text: &str, span: Span) -> Range {
        Range {
            start: self.position(text, span.start as usize),
            end: self.position(text, span.end as usize),
        }
    }

    /// Byte offset of an editor position; positions past a line's end clamp to it.
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let line = position.line as usize;
        if line >= self.line_starts.len() {
            return text.len();
        }
        let start = self.line_start(line);
        let end = self.line_start(line + 1).min(text.len());
        let line_text = text.get(start..end).unwrap_or("");
        let mut units = 0u32;
        for (i, ch) in line_text.char_indices() {
            if units >= position.character || ch == '\n' {
                return start + i;
            }
            units += ch.len_utf16() as u32;
        }
        end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units() {
        let text = "ab\né😀x\nlast";
        let index = LineIndex::new(text);
        assert_eq!(
            index.position(text, 0),
            Position {
                line: 0,
                character: 0
            }
        );
        assert_eq!(
            index.position(text, 3),
            Position {
                line: 1,
                character: 0
            }
        );
        // é is 2 bytes / 1 unit, 😀 is 4 bytes / 2 units.
        let x = text.find('x').unwrap();
        assert_eq!(
            index.position(text, x),
            Position {
                line: 1,
                character: 3
            }
        );
        assert_eq!(
            index.offset(
                text,
                Position {
                    line: 1,
                    character: 3
                }
            ),
            x
        );
        assert_eq!(
            index.position(text, text.len()),
            Position {
                line: 2,
                character: 4
            }
        );
    }

    #[test]
    fn offsets_inside_a_character_do_not_panic() {
        let text = "é";
        let index = LineIndex::new(text);
        assert_eq!(
            index.position(text, 1),
            Position {
                line: 0,
                character: 0
            }
        );
        assert_eq!(index.position(text, 99).line, 0);
    }

    #[test]
    fn span_text_out_of_bounds_is_empty() {
        assert_eq!(Span::new(5, 9).text("abc"), "");
        assert_eq!(Span::new(1, 2).text("abc"), "b");
    }
}
