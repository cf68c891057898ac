//! Where each byte of a YAML scalar's value stands in the file.
//!
//! A query in a YAML file is a scalar: a literal block (`query: |`) whose lines lost their
//! indentation, a folded block (`>`), or a quoted or plain scalar whose line breaks became
//! spaces and whose escapes were decoded. The value is cut into pieces that appear verbatim
//! in the file (one per line of a block scalar, runs between escapes of a quoted one); each
//! piece is found in the value in order, and whatever lies between pieces (line breaks,
//! folded spaces, decoded escapes) is what YAML synthesized.

use crate::container::offset_map::OffsetMap;
use crate::container::yaml::{Node, Style};
use crate::source::Span;

/// Decoded escapes take at most this many bytes in the value (`\U0001F600` → 4 bytes).
const MAX_ESCAPE_BYTES: usize = 4;

/// Builds the map from the value of `value` (the scalar under `key`) to offsets in `text`.
/// Never fails: when the file and the value disagree, the pieces matched so far stay exact
/// and the rest maps to where matching stopped.
pub fn scalar_offsets(text: &str, key: &Node, value: &Node) -> OffsetMap {
    let Some(style) = value.style() else {
        return OffsetMap::unmapped(value.span.start as usize);
    };
    let decoded = value.as_str().unwrap_or("");
    let pieces = match style {
        Style::Literal | Style::Folded => block_pieces(text, key, value),
        Style::Plain => flow_pieces(text, value.span, Quote::None),
        Style::SingleQuoted => flow_pieces(text, inside_quotes(value.span), Quote::Single),
        Style::DoubleQuoted => flow_pieces(text, inside_quotes(value.span), Quote::Double),
    };
    let mut map = OffsetMap::unmapped(value.span.start as usize);
    let mut cursor = 0usize;
    for piece in pieces {
        let piece_text = piece.text(text);
        if piece_text.is_empty() {
            continue;
        }
        let Some(found) = find_after_gap(decoded, cursor, piece_text, style) else {
            break;
        };
        map.push(found, piece.start as usize, piece.len());
        cursor = found + piece.len();
    }
    map
}

/// The indentation of a block scalar's content lines, for re-indenting inserted text.
pub fn block_indent(text: &str, key: &Node, value: &Node) -> Option<String> {
    if !value.style().is_some_and(Style::is_block) {
        return None;
    }
    let header = block_header(text, key, value)?;
    Some(" ".repeat(header.indent))
}

/// Finds `piece` in `decoded` at or after `cursor`, allowing only what YAML synthesizes in
/// between: whitespace, plus a decoded escape in double-quoted scalars.
fn find_after_gap(decoded: &str, cursor: usize, piece: &str, style: Style) -> Option<usize> {
    let rest = decoded.get(cursor..)?;
    let mut escape_budget = if style == Style::DoubleQuoted {
        MAX_ESCAPE_BYTES
    } else {
        0
    };
    for (i, ch) in rest.char_indices() {
        if rest.get(i..).is_some_and(|tail| tail.starts_with(piece)) {
            return Some(cursor + i);
        }
        if ch.is_whitespace() {
            continue;
        }
        if ch.len_utf8() <= escape_budget {
            escape_budget -= ch.len_utf8();
            continue;
        }
        return None;
    }
    None
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Quote {
    None,
    Single,
    Double,
}

fn inside_quotes(span: Span) -> Span {
    if span.len() >= 2 {
        Span::new(span.start as usize + 1, span.end as usize - 1)
    } else {
        span
    }
}

/// Pieces of a plain or quoted scalar: each line without the whitespace that folding
/// drops, cut at escapes.
fn flow_pieces(text: &str, region: Span, quote: Quote) -> Vec<Span> {
    let mut pieces = Vec::new();
    let Some(body) = text.get(region.range()) else {
        return pieces;
    };
    let base = region.start as usize;
    let mut line_start = 0usize;
    for line in body.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        // Folding drops the whitespace around line breaks, not inside a line.
        let is_first = line_start == 0;
        let is_last = line_start + line.len() >= body.len();
        let lead = if is_first {
            0
        } else {
            content.len() - content.trim_start_matches([' ', '\t']).len()
        };
        let end = if is_last {
            content.len()
        } else {
            content.trim_end_matches([' ', '\t']).len()
        };
        if lead < end {
            let start = base + line_start + lead;
            split_at_escapes(
                text,
                Span::new(start, base + line_start + end),
                quote,
                &mut pieces,
            );
        }
        line_start += line.len();
    }
    pieces
}

/// Cuts a line of a quoted scalar where the value differs from the file: `''` in single
/// quotes (kept as one `'`), backslash escapes in double quotes.
fn split_at_escapes(text: &str, line: Span, quote: Quote, pieces: &mut Vec<Span>) {
    let Some(line_text) = text.get(line.range()) else {
        return;
    };
    let base = line.start as usize;
    let bytes = line_text.as_bytes();
    let mut piece_start = 0usize;
    let mut i = 0usize;
    while i < bytes.len() {
        match (quote, bytes.get(i)) {
            (Quote::Single, Some(b'\'')) if bytes.get(i + 1) == Some(&b'\'') => {
                // The first quote is the value's quote; the second is dropped.
                pieces.push(Span::new(base + piece_start, base + i + 1));
                i += 2;
                piece_start = i;
            }
            (Quote::Double, Some(b'\\')) => {
                pieces.push(Span::new(base + piece_start, base + i));
                let escape_len = match bytes.get(i + 1) {
                    Some(b'x') => 4,
                    Some(b'u') => 6,
                    Some(b'U') => 10,
                    _ => 2,
                };
                i = (i + escape_len).min(bytes.len());
                // Escapes are ASCII, but never cut a piece inside a character.
                while i < bytes.len() && !line_text.is_char_boundary(i) {
                    i += 1;
                }
                piece_start = i;
            }
            _ => i += 1,
        }
    }
    pieces.push(Span::new(base + piece_start, base + bytes.len()));
}

struct BlockHeader {
    /// Byte offset where the first content line starts.
    content_start: usize,
    /// Spaces that every content line starts with.
    indent: usize,
}

/// Reads the `|` / `>` header after `key` and works out the content indentation: the
/// explicit indicator (`|2`) counts from the key's column, otherwise the first non-empty
/// line sets it.
fn block_header(text: &str, key: &Node, value: &Node) -> Option<BlockHeader> {
    let key_end = key.span.end as usize;
    let value_start = value.span.start as usize;
    let after_key = text.get(key_end..)?;
    let indicator = key_end + after_key.find(['|', '>'])?;
    if indicator > value_start {
        return None;
    }
    let header_line_end = text
        .get(indicator..)?
        .find('\n')
        .map(|i| indicator + i + 1)?;
    let header = text.get(indicator + 1..header_line_end)?;
    let explicit = header
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '#')
        .find_map(|c| c.to_digit(10))
        .filter(|d| *d > 0);
    let indent = match explicit {
        Some(relative) => {
            let line_start = text
                .get(..key.span.start as usize)?
                .rfind('\n')
                .map_or(0, |i| i + 1);
            let key_column = key.span.start as usize - line_start;
            key_column + relative as usize
        }
        None => {
            let end = (value.span.end as usize).min(text.len());
            text.get(header_line_end..end)?
                .split_inclusive('\n')
                .map(|line| line.trim_end_matches(['\n', '\r']))
                .find(|line| !line.trim().is_empty())
                .map_or(0, |line| line.len() - line.trim_start_matches(' ').len())
        }
    };
    Some(BlockHeader {
        content_start: header_line_end,
        indent,
    })
}

/// One piece per content line of a block scalar: the line after its indentation.
fn block_pieces(text: &str, key: &Node, value: &Node) -> Vec<Span> {
    let mut pieces = Vec::new();
    let Some(header) = block_header(text, key, value) else {
        return pieces;
    };
    let end = (value.span.end as usize).min(text.len());
    let Some(body) = text.get(header.content_start..end) else {
        return pieces;
    };
    let mut line_start = header.content_start;
    for line in body.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let spaces = content.len() - content.trim_start_matches(' ').len();
        let is_blank = content.trim().is_empty();
        // A less indented line ends the block (a comment or the next key).
        if !is_blank && spaces < header.indent {
            break;
        }
        if !is_blank {
            pieces.push(Span::new(
                line_start + header.indent,
                line_start + content.len(),
            ));
        }
        line_start += line.len();
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::yaml;

    /// Maps every non-space byte of the value of `key` and checks it lands on the same byte.
    /// Quotes and escapes are synthesized, so only letters and digits are checked.
    fn assert_exact(text: &str, key: &str) -> OffsetMap {
        let documents = yaml::load(text).unwrap();
        let mapping = documents[0].items().first().unwrap_or(&documents[0]);
        let (k, v) = mapping.entry(key).unwrap();
        let map = scalar_offsets(text, k, v);
        let decoded = v.as_str().unwrap();
        for (i, ch) in decoded.char_indices() {
            if !ch.is_ascii_alphanumeric() {
                continue;
            }
            let at = map.offset(i);
            assert_eq!(
                text[at..].chars().next(),
                Some(ch),
                "byte {i} of {decoded:?} mapped to {at} in {text:?}"
            );
        }
        map
    }

    #[test]
    fn literal_block_maps_line_by_line() {
        let text = "id: 1\nquery: |\n  T\n  | where a == 1\n\n    | take 10\nkind: x\n";
        let map = assert_exact(text, "query");
        // "| take 10" keeps two spaces of extra indentation inside the value.
        let decoded = "T\n| where a == 1\n\n  | take 10\n";
        let take = decoded.find("| take").unwrap();
        assert_eq!(map.offset(take), text.find("| take").unwrap());
        // The synthesized line break after `T` stands where the file's line break is.
        assert_eq!(map.offset(1), text.find("T\n").unwrap() + 1);
    }

    #[test]
    fn strip_and_keep_chomping_and_explicit_indent() {
        assert_exact("query: |-\n  a\n  b\nx: 1\n", "query");
        assert_exact("query: |+\n  a\n\n\nx: 1\n", "query");
        assert_exact("query: |2\n    a\n  b\n", "query");
        assert_exact("- query: |1\n    a\n   b\n", "query");
    }

    #[test]
    fn folded_block_maps_lines() {
        assert_exact("query: >\n  a b\n  c\n\n  d\nx: 1\n", "query");
    }

    #[test]
    fn quoted_and_plain_scalars() {
        assert_exact(
            "query: \"T | where a == \\\"x\\\" \\u00e9 and\n  b == 1\"\n",
            "query",
        );
        assert_exact("query: 'it''s here\n   and there'\n", "query");
        assert_exact("query: T | where a\n  == 1\nx: 1\n", "query");
        assert_exact("query: T | where é == 1\n", "query");
    }

    #[test]
    fn block_with_crlf_line_breaks() {
        assert_exact("query: |\r\n  T\r\n  | take 1\r\nkind: x\r\n", "query");
    }
}
