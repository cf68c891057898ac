//! Where rule texts come from: files, folders (searched recursively), stdin, and JSON Lines
//! batches (`{"id": ..., "query": ...}` or `{"id": ..., "rule": ...}` per line).

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use walkdir::WalkDir;

/// Files picked up when a folder is given; files named explicitly are read whatever their
/// extension.
pub const RULE_EXTENSIONS: &[&str] = &["kql", "csl", "kusto", "yaml", "yml", "txt"];

/// Where an input came from, as it appears in the output line (`"path"` or `"id"`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    Path(String),
    Id(Value),
}

impl Origin {
    /// How to name the input in human messages.
    pub fn label(&self) -> String {
        match self {
            Origin::Path(path) => path.clone(),
            Origin::Id(Value::String(id)) => id.clone(),
            Origin::Id(id) => id.to_string(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Input {
    pub origin: Origin,
    pub text: String,
    /// From a JSONL `query` field, which holds KQL text (`rule` holds YAML).
    pub is_query: bool,
}

/// An input that could not be read; it still gets an output line so batches keep their order.
#[derive(Clone, Debug)]
pub struct Unreadable {
    pub origin: Origin,
    pub message: String,
}

pub type Item = Result<Input, Unreadable>;

/// Every input in order: the PATHs as given (folders in sorted order), then the JSONL lines.
/// No PATH and no JSONL means stdin.
pub fn inputs<'a>(paths: &'a [String], jsonl: Option<&'a str>) -> impl Iterator<Item = Item> + 'a {
    let read_stdin = paths.is_empty() && jsonl.is_none();
    let stdin = read_stdin.then(|| read_path("-"));
    let files = paths
        .iter()
        .flat_map(|path| expand(path))
        .map(|found| match found {
            Ok(path) => read_path(&path),
            Err(unreadable) => Err(unreadable),
        });
    let lines = jsonl.into_iter().flat_map(jsonl_items);
    stdin.into_iter().chain(files).chain(lines)
}

/// A PATH argument as a list of files: itself, or the rule files under a folder.
fn expand(path: &str) -> Vec<Result<String, Unreadable>> {
    if path == "-" || !Path::new(path).is_dir() {
        return vec![Ok(path.to_string())];
    }
    WalkDir::new(path)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry.file_name()))
        .filter_map(|entry| match entry {
            Ok(entry) if entry.file_type().is_file() && has_rule_extension(entry.path()) => {
                Some(Ok(entry.path().display().to_string()))
            }
            Ok(_) => None,
            Err(error) => Some(Err(Unreadable {
                origin: Origin::Path(
                    error
                        .path()
                        .map_or_else(|| path.to_string(), |p| p.display().to_string()),
                ),
                message: error.to_string(),
            })),
        })
        .collect()
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}

fn has_rule_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| RULE_EXTENSIONS.iter().any(|r| e.eq_ignore_ascii_case(r)))
}

fn read_path(path: &str) -> Item {
    let origin = Origin::Path(path.to_string());
    let bytes = if path == "-" {
        let mut bytes = Vec::new();
        io::stdin().read_to_end(&mut bytes).map(|_| bytes)
    } else {
        std::fs::read(path)
    };
    let unreadable = |message: String| Unreadable {
        origin: origin.clone(),
        message,
    };
    let bytes = bytes.map_err(|error| unreadable(error.to_string()))?;
    let text = decode(bytes).map_err(unreadable)?;
    Ok(Input {
        origin,
        text,
        is_query: false,
    })
}

/// UTF-8, or UTF-16 with a byte order mark (what PowerShell's `Out-File` writes).
fn decode(bytes: Vec<u8>) -> Result<String, String> {
    let utf16 = |bytes: &[u8], from: fn([u8; 2]) -> u16| {
        let units = bytes.chunks_exact(2).map(|pair| from([pair[0], pair[1]]));
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map_err(|_| "invalid UTF-16 text".to_string())
    };
    match bytes.as_slice() {
        [0xFF, 0xFE, rest @ ..] => utf16(rest, u16::from_le_bytes),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, u16::from_be_bytes),
        _ => String::from_utf8(bytes).map_err(|e| {
            format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            )
        }),
    }
}

#[derive(Deserialize)]
struct JsonlLine {
    #[serde(default)]
    id: Value,
    query: Option<String>,
    rule: Option<String>,
}

/// The lines of a JSONL batch (`-` for stdin), blank lines skipped.
fn jsonl_items(source: &str) -> Box<dyn Iterator<Item = Item>> {
    let reader: Box<dyn BufRead> = if source == "-" {
        Box::new(BufReader::new(io::stdin()))
    } else {
        match File::open(source) {
            Ok(file) => Box::new(BufReader::new(file)),
            Err(error) => {
                return Box::new(std::iter::once(Err(Unreadable {
                    origin: Origin::Path(source.to_string()),
                    message: error.to_string(),
                })))
            }
        }
    };
    let source = source.to_string();
    Box::new(
        reader
            .lines()
            .enumerate()
            .filter(|(_, line)| line.as_ref().map_or(true, |l| !l.trim().is_empty()))
            .map(move |(index, line)| jsonl_item(&source, index + 1, line)),
    )
}

fn jsonl_item(source: &str, number: usize, line: io::Result<String>) -> Item {
    let at = |message: String, id: Value| Unreadable {
        origin: Origin::Id(id),
        message: format!("{source}:{number}: {message}"),
    };
    let line = line.map_err(|e| at(e.to_string(), Value::Null))?;
    let parsed: JsonlLine =
        serde_json::from_str(&line).map_err(|e| at(format!("invalid JSON: {e}"), Value::Null))?;
    match (parsed.query, parsed.rule) {
        (Some(text), _) => Ok(Input {
            origin: Origin::Id(parsed.id),
            text,
            is_query: true,
        }),
        (None, Some(text)) => Ok(Input {
            origin: Origin::Id(parsed.id),
            text,
            is_query: false,
        }),
        (None, None) => Err(at(
            "needs a `query` (KQL) or `rule` (YAML) string".to_string(),
            parsed.id,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend("T | take 1".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(bytes).unwrap(), "T | take 1");
        assert!(decode(vec![0xC3]).is_err());
    }

    #[test]
    fn jsonl_lines_keep_their_id() {
        let item = jsonl_item("b.jsonl", 1, Ok(r#"{"id": 7, "query": "T"}"#.into())).unwrap();
        assert_eq!(item.origin, Origin::Id(Value::from(7)));
        assert!(item.is_query);
        let bad = jsonl_item("b.jsonl", 2, Ok(r#"{"id": "x"}"#.into())).unwrap_err();
        assert_eq!(bad.origin, Origin::Id(Value::from("x")));
        assert!(bad.message.starts_with("b.jsonl:2:"));
    }
}
