//! YAML with source positions: a small tree built from `saphyr-parser` events, where every
//! node keeps its byte span in the file. Rule containers need the spans to point diagnostics
//! at the right line and to map an embedded query back into the file.

use saphyr_parser::{Event, Marker, Parser, ScalarStyle};
use serde::Serialize;

use crate::source::Span;

/// Deeper documents are rejected: real rules nest a handful of levels, and a bounded tree
/// keeps building and dropping it off the stack's limits.
pub const MAX_DEPTH: usize = 64;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    /// `|`: line breaks kept.
    Literal,
    /// `>`: line breaks folded into spaces.
    Folded,
}

impl Style {
    pub fn is_block(self) -> bool {
        matches!(self, Style::Literal | Style::Folded)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Scalar {
        text: String,
        style: Style,
    },
    Sequence(Vec<Node>),
    Mapping(Vec<(Node, Node)>),
    /// `*anchor`: rule formats do not use them, so they are kept but not resolved.
    Alias,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub value: Value,
    /// For scalars: the value's characters as written (quotes included; block scalars from
    /// their first content line). For collections: from the first to the last item.
    pub span: Span,
}

impl Node {
    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, value)| value)
    }

    /// The key node and value node of `key` in a mapping.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        match &self.value {
            Value::Mapping(entries) => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[(Node, Node)] {
        match &self.value {
            Value::Mapping(entries) => entries,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Sequence(items) => items,
            _ => &[],
        }
    }

    /// The text of a scalar; `None` for collections, aliases and YAML nulls.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, style } if !(*style == Style::Plain && is_null(text)) => {
                Some(text)
            }
            _ => None,
        }
    }

    pub fn style(&self) -> Option<Style> {
        match &self.value {
            Value::Scalar { style, .. } => Some(*style),
            _ => None,
        }
    }

    pub fn is_mapping(&self) -> bool {
        matches!(self.value, Value::Mapping(_))
    }
}

fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

/// Why a text is not valid YAML, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub span: Span,
}

/// Parses every document of a YAML stream.
pub fn load(text: &str) -> Result<Vec<Node>, YamlError> {
    let offsets = CharOffsets::new(text);
    let mut parser = Parser::new_from_str(text);
    let mut documents = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    while let Some(next) = parser.next_event() {
        let (event, marks) = next.map_err(|error| YamlError {
            message: error.info().to_string(),
            span: offsets.char_span(*error.marker()),
        })?;
        let start = offsets.byte(marks.start);
        let end = offsets.byte(marks.end);
        let node = match event {
            Event::Scalar(value, style, _, _) => Node {
                value: Value::Scalar {
                    text: value.into_owned(),
                    style: style_of(style),
                },
                span: Span::new(start, end),
            },
            Event::Alias(_) => Node {
                value: Value::Alias,
                span: Span::new(start, end),
            },
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(YamlError {
                        message: format!("nesting deeper than {MAX_DEPTH} levels"),
                        span: offsets.char_span(marks.start),
                    });
                }
                let kind = if matches!(event, Event::SequenceStart(..)) {
                    OpenKind::Sequence(Vec::new())
                } else {
                    OpenKind::Mapping(Vec::new(), None)
                };
                stack.push(Open { kind, start });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(open) => open.close(end),
                None => continue,
            },
            Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd
            | Event::Nothing => continue,
        };
        match stack.last_mut() {
            Some(parent) => parent.add(node),
            None => documents.push(node),
        }
    }
    Ok(documents)
}

struct Open {
    kind: OpenKind,
    start: usize,
}

enum OpenKind {
    Sequence(Vec<Node>),
    /// Entries so far and a key waiting for its value.
    Mapping(Vec<(Node, Node)>, Option<Node>),
}

impl Open {
    fn add(&mut self, node: Node) {
        match &mut self.kind {
            OpenKind::Sequence(items) => items.push(node),
            OpenKind::Mapping(entries, pending) => match pending.take() {
                Some(key) => entries.push((key, node)),
                None => *pending = Some(node),
            },
        }
    }

    fn close(self, end: usize) -> Node {
        let value = match self.kind {
            OpenKind::Sequence(items) => Value::Sequence(items),
            OpenKind::Mapping(entries, _) => Value::Mapping(entries),
        };
        Node {
            value,
            span: Span::new(self.start, end.max(self.start)),
        }
    }
}

fn style_of(style: ScalarStyle) -> Style {
    match style {
        ScalarStyle::SingleQuoted => Style::SingleQuoted,
        ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
        ScalarStyle::Literal => Style::Literal,
        ScalarStyle::Folded => Style::Folded,
        _ => Style::Plain,
    }
}

/// The parser counts positions in characters; spans count bytes. Checkpoints every 64
/// characters keep the conversion cheap without a table as large as the text.
struct CharOffsets<'a> {
    text: &'a str,
    is_ascii: bool,
    checkpoints: Vec<usize>,
}

const CHECKPOINT_EVERY: usize = 64;

impl<'a> CharOffsets<'a> {
    fn new(text: &'a str) -> CharOffsets<'a> {
        let is_ascii = text.is_ascii();
        let checkpoints = if is_ascii {
            Vec::new()
        } else {
            text.char_indices()
                .step_by(CHECKPOINT_EVERY)
                .map(|(byte, _)| byte)
                .collect()
        };
        CharOffsets {
            text,
            is_ascii,
            checkpoints,
        }
    }

    fn byte(&self, marker: Marker) -> usize {
        let char_index = marker.index();
        if self.is_ascii {
            return char_index.min(self.text.len());
        }
        let checkpoint = char_index / CHECKPOINT_EVERY;
        let Some(&base) = self.checkpoints.get(checkpoint) else {
            return self.text.len();
        };
        let rest = char_index - checkpoint * CHECKPOINT_EVERY;
        self.text
            .get(base..)
            .and_then(|tail| tail.char_indices().nth(rest))
            .map_or(self.text.len(), |(byte, _)| base + byte)
    }

    /// A one-character span at an error marker (empty at the end of the text).
    fn char_span(&self, marker: Marker) -> Span {
        let start = self.byte(marker);
        let end = self
            .text
            .get(start..)
            .and_then(|tail| tail.chars().next())
            .map_or(start, |c| start + c.len_utf8());
        Span::new(start, end)
    }
}
