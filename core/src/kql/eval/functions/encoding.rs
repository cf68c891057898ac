//! Encodings: base64 (strings, byte arrays, guids), URL percent-encoding, Unicode code
//! points, and the gzip/zlib base64 compression pairs.

use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use super::arg;
use crate::kql::eval::scalar::{as_i64, as_text, dynamic_scalar};
use crate::kql::eval::Result;
use crate::value::Value;

/// Decompressed output larger than this is refused (a zip bomb must not take the page down).
const MAX_DECOMPRESSED_BYTES: usize = 16 << 20;

pub fn call(name: &str, args: &[Value]) -> Result<Option<Value>> {
    let text = |i: usize| as_text(&arg(args, i));
    Ok(Some(match name {
        "base64_encode_tostring" => {
            text(0).map_or(Value::Null, |s| Value::string(&STANDARD.encode(s)))
        }
        "base64_decode_tostring" => match text(0).and_then(|s| STANDARD.decode(s.trim()).ok()) {
            Some(bytes) => String::from_utf8(bytes).map_or(Value::Null, |s| Value::string(&s)),
            None => Value::Null,
        },
        "base64_decode_toarray" => match text(0).and_then(|s| STANDARD.decode(s.trim()).ok()) {
            Some(bytes) => dynamic_array(bytes.into_iter().map(serde_json::Value::from).collect()),
            None => Value::Null,
        },
        "base64_encode_fromarray" => match byte_array(&arg(args, 0)) {
            Some(bytes) => Value::string(&STANDARD.encode(bytes)),
            None => Value::Null,
        },
        "base64_decode_toguid" => match text(0).and_then(|s| STANDARD.decode(s.trim()).ok()) {
            Some(bytes) => <[u8; 16]>::try_from(bytes.as_slice())
                .map_or(Value::Null, |b| Value::Guid(guid_from_dotnet_bytes(b))),
            None => Value::Null,
        },
        "base64_encode_fromguid" => match arg(args, 0) {
            Value::Guid(g) => Value::string(&STANDARD.encode(guid_to_dotnet_bytes(g))),
            _ => Value::Null,
        },
        "url_encode" => text(0).map_or(Value::Null, |s| Value::string(&url_encode(&s, "+"))),
        "url_encode_component" => {
            text(0).map_or(Value::Null, |s| Value::string(&url_encode(&s, "%20")))
        }
        "url_decode" => text(0).map_or(Value::Null, |s| Value::string(&url_decode(&s))),
        "unicode_codepoints_from_string" => text(0).map_or(Value::Null, |s| {
            dynamic_array(
                s.chars()
                    .map(|c| serde_json::Value::from(u32::from(c)))
                    .collect(),
            )
        }),
        "unicode_codepoints_to_string" => {
            let mut out = String::new();
            for value in args {
                for code in code_points(value) {
                    match code
                        .and_then(|c| u32::try_from(c).ok())
                        .and_then(char::from_u32)
                    {
                        Some(c) => out.push(c),
                        None => return Ok(Some(Value::Null)),
                    }
                }
            }
            Value::string(&out)
        }
        "zlib_compress_to_base64_string" => text(0).map_or(Value::Null, |s| {
            Value::string(&STANDARD.encode(zlib_stored(s.as_bytes())))
        }),
        "gzip_compress_to_base64_string" => text(0).map_or(Value::Null, |s| {
            Value::string(&STANDARD.encode(gzip_stored(s.as_bytes())))
        }),
        "zlib_decompress_from_base64_string" => decompressed(text(0), |bytes| {
            miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(bytes, MAX_DECOMPRESSED_BYTES)
                .ok()
        }),
        "gzip_decompress_from_base64_string" => decompressed(text(0), gunzip),
        _ => return Ok(None),
    }))
}

fn dynamic_array(items: Vec<serde_json::Value>) -> Value {
    Value::Dynamic(Arc::new(serde_json::Value::Array(items)))
}

/// A dynamic array of numbers 0..=255 as bytes; `None` if anything else is in it.
fn byte_array(value: &Value) -> Option<Vec<u8>> {
    let Value::Dynamic(d) = value else {
        return None;
    };
    d.as_array()?
        .iter()
        .map(|item| item.as_i64().and_then(|n| u8::try_from(n).ok()))
        .collect()
}

/// The code points an argument of unicode_codepoints_to_string stands for: a number or a
/// dynamic array of numbers. `None` marks a value that is not a number.
fn code_points(value: &Value) -> Vec<Option<i64>> {
    match value {
        Value::Dynamic(d) => match d.as_array() {
            Some(items) => items.iter().map(|i| as_i64(&dynamic_scalar(i))).collect(),
            None => vec![as_i64(&dynamic_scalar(d))],
        },
        other => vec![as_i64(other)],
    }
}

/// .NET's `Guid.ToByteArray` order: the first three fields little-endian, the rest as is.
pub(super) fn guid_to_dotnet_bytes(guid: u128) -> [u8; 16] {
    let mut bytes = guid.to_be_bytes();
    bytes[0..4].reverse();
    bytes[4..6].reverse();
    bytes[6..8].reverse();
    bytes
}

fn guid_from_dotnet_bytes(mut bytes: [u8; 16]) -> u128 {
    bytes[0..4].reverse();
    bytes[4..6].reverse();
    bytes[6..8].reverse();
    u128::from_be_bytes(bytes)
}

/// Percent-encodes UTF-8 bytes with lowercase hex, as .NET's `HttpUtility.UrlEncode` does;
/// letters, digits and `-_.!*()` stay, a space becomes `space`.
fn url_encode(text: &str, space: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'a'..=b'z'
            | b'A'..=b'Z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'!'
            | b'*'
            | b'('
            | b')' => out.push(char::from(byte)),
            b' ' => out.push_str(space),
            _ => {
                out.push('%');
                out.push(hex_digit(byte >> 4));
                out.push(hex_digit(byte & 0xf));
            }
        }
    }
    out
}

fn hex_digit(n: u8) -> char {
    char::from_digit(u32::from(n), 16).unwrap_or('0')
}

/// Decodes `%xx` escapes and `+` as a space; malformed escapes stay as they are.
fn url_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        let escaped = (byte == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (byte, escaped) {
            (_, Some(decoded)) => {
                out.push(decoded);
                i += 3;
            }
            (b'+', None) => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Raw deflate made of stored blocks. Kusto's own output for short inputs is stored blocks
/// too, and any inflater reads them; it keeps the wasm free of a compressor.
fn deflate_stored(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 5 * (data.len() / 0xffff + 1));
    let mut chunks = data.chunks(0xffff).peekable();
    if chunks.peek().is_none() {
        out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    }
    while let Some(chunk) = chunks.next() {
        let is_last = chunks.peek().is_none();
        let len = chunk.len() as u16;
        out.push(u8::from(is_last));
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    out
}

fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    out.extend(deflate_stored(data));
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

fn gzip_stored(data: &[u8]) -> Vec<u8> {
    // No name, no timestamp, OS "unknown": the header Kusto writes.
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    out.extend(deflate_stored(data));
    out.extend_from_slice(&super::hash::crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

/// Inflates a gzip member: skips the header's optional fields, then raw deflate.
fn gunzip(bytes: &[u8]) -> Option<Vec<u8>> {
    let header = bytes.get(..10)?;
    if header.get(..3)? != [0x1f, 0x8b, 8] {
        return None;
    }
    let flags = *header.get(3)?;
    let mut at = 10usize;
    if flags & 0x04 != 0 {
        let len = u16::from_le_bytes([*bytes.get(at)?, *bytes.get(at + 1)?]);
        at += 2 + usize::from(len);
    }
    for flag in [0x08, 0x10] {
        if flags & flag != 0 {
            at += bytes.get(at..)?.iter().position(|&b| b == 0)? + 1;
        }
    }
    if flags & 0x02 != 0 {
        at += 2;
    }
    miniz_oxide::inflate::decompress_to_vec_with_limit(bytes.get(at..)?, MAX_DECOMPRESSED_BYTES)
        .ok()
}

/// Base64 text -> bytes -> inflated -> UTF-8, or the empty string when any step fails.
fn decompressed(text: Option<String>, inflate: impl Fn(&[u8]) -> Option<Vec<u8>>) -> Value {
    let Some(text) = text else {
        return Value::Null;
    };
    STANDARD
        .decode(text.trim())
        .ok()
        .and_then(|bytes| inflate(&bytes))
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .map_or(Value::string(""), |s| Value::string(&s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(name: &str, args: &[Value]) -> Value {
        call(name, args).ok().flatten().unwrap_or(Value::Null)
    }

    fn s(text: &str) -> Value {
        Value::string(text)
    }

    #[test]
    fn base64_round_trips() {
        assert_eq!(run("base64_encode_tostring", &[s("Kusto")]), s("S3VzdG8="));
        assert_eq!(run("base64_decode_tostring", &[s("S3VzdG8=")]), s("Kusto"));
        let bytes = run("base64_decode_toarray", &[s("S3VzdG8=")]);
        assert_eq!(run("base64_encode_fromarray", &[bytes]), s("S3VzdG8="));
        // Missing padding is not base64 to Kusto.
        assert_eq!(
            run("base64_decode_toarray", &[s("U3RyaW5n0KHR0tGA0L7Rh9C60LA")]),
            Value::Null
        );
        // The base64_encode_fromguid docs example; .NET's byte order.
        let guid = Value::Guid(0xae3133f2_6e22_49ae_b06a_16e6a9b212eb);
        assert_eq!(
            run("base64_encode_fromguid", std::slice::from_ref(&guid)),
            s("8jMxriJurkmwahbmqbIS6w==")
        );
        assert_eq!(
            run("base64_decode_toguid", &[s("8jMxriJurkmwahbmqbIS6w==")]),
            guid
        );
    }

    #[test]
    fn url_encoding() {
        assert_eq!(
            run("url_encode", &[s("https://www.bing.com/hello world")]),
            s("https%3a%2f%2fwww.bing.com%2fhello+world")
        );
        assert_eq!(run("url_encode_component", &[s("a b/")]), s("a%20b%2f"));
        assert_eq!(
            run("url_decode", &[s("https%3a%2f%2fwww.bing.com%2f+x%zz")]),
            s("https://www.bing.com/ x%zz")
        );
    }

    #[test]
    fn code_points() {
        let points = run("unicode_codepoints_from_string", &[s("Kö")]);
        assert_eq!(points.to_json().to_string(), "[75,246]");
        assert_eq!(
            run("unicode_codepoints_to_string", &[points, Value::Long(115)]),
            s("Kös")
        );
        assert_eq!(
            run("unicode_codepoints_to_string", &[Value::Long(-1)]),
            Value::Null
        );
    }

    #[test]
    fn compression_matches_kusto() {
        let text = s("1234567890qwertyuiop");
        assert_eq!(
            run(
                "zlib_compress_to_base64_string",
                std::slice::from_ref(&text)
            ),
            s("eAEBFADr/zEyMzQ1Njc4OTBxd2VydHl1aW9wOAkGdw==")
        );
        assert_eq!(
            run(
                "gzip_compress_to_base64_string",
                std::slice::from_ref(&text)
            ),
            s("H4sIAAAAAAAA/wEUAOv/MTIzNDU2Nzg5MHF3ZXJ0eXVpb3A6m7f2FAAAAA==")
        );
        assert_eq!(
            run(
                "gzip_decompress_from_base64_string",
                &[s(
                    "H4sIAAAAAAAA/wEUAOv/MTIzNDU2Nzg5MHF3ZXJ0eXVpb3A6m7f2FAAAAA=="
                )]
            ),
            text
        );
        assert_eq!(
            run(
                "zlib_decompress_from_base64_string",
                &[s("eAEBFADr/zEyMzQ1Njc4OTBxd2VydHl1aW9wOAkGdw==")]
            ),
            text
        );
        assert_eq!(
            run("zlib_decompress_from_base64_string", &[s("x0x0x0")]),
            s("")
        );
    }
}
