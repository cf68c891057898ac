//! Hash functions: hash / hash_xxhash64, hash_many, hash_combine, hash_crc32, hash_md5,
//! hash_sha1, hash_sha256.
//!
//! Kusto hashes the binary form of a value for the 64-bit hashes (UTF-8 for strings, the
//! little-endian 8-byte tick count since 0001-01-01 for datetimes) and the text form for the
//! cryptographic ones (datetimes with all seven fractional digits).

use std::fmt::Write as _;

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::arg;
use crate::kql::eval::scalar::{as_i64, as_text};
use crate::kql::eval::Result;
use crate::value::{Value, TICKS_PER_SECOND};

/// Ticks between 0001-01-01 (.NET's epoch, which Kusto hashes) and 1970-01-01.
const DOTNET_EPOCH_OFFSET: i64 = 621_355_968_000_000_000;

pub fn call(name: &str, args: &[Value]) -> Result<Option<Value>> {
    let value = arg(args, 0);
    Ok(Some(match name {
        "hash" | "hash_xxhash64" => match binary_form(&value) {
            Some(bytes) => with_modulo(xxhash_rust::xxh64::xxh64(&bytes, 0), &arg(args, 1)),
            None => Value::Null,
        },
        "hash_crc32" => match binary_form(&value) {
            Some(bytes) => with_modulo(u64::from(crc32(&bytes)), &arg(args, 1)),
            None => Value::Null,
        },
        "hash_many" => {
            let mut combined: Option<u64> = None;
            for value in args {
                // Nulls hash as the empty input so that hash_many stays defined.
                let h = xxhash_rust::xxh64::xxh64(&binary_form(value).unwrap_or_default(), 0);
                combined = Some(combined.map_or(h, |acc| combine(acc, h)));
            }
            combined.map_or(Value::Null, |h| Value::Long(h as i64))
        }
        "hash_combine" => {
            let mut combined: Option<u64> = None;
            for value in args {
                let Some(h) = as_i64(value) else {
                    return Ok(Some(Value::Null));
                };
                combined = Some(combined.map_or(h as u64, |acc| combine(acc, h as u64)));
            }
            combined.map_or(Value::Null, |h| Value::Long(h as i64))
        }
        "hash_md5" => digest_hex::<Md5>(&value),
        "hash_sha1" => digest_hex::<Sha1>(&value),
        "hash_sha256" => digest_hex::<Sha256>(&value),
        _ => return Ok(None),
    }))
}

/// The hash as a signed long, or reduced to `[0, modulo)` when a positive modulo is given.
fn with_modulo(hash: u64, modulo: &Value) -> Value {
    match as_i64(modulo) {
        Some(m) if m > 0 => Value::Long((hash % m as u64) as i64),
        Some(_) => Value::Null,
        None if modulo.is_null() => Value::Long(hash as i64),
        None => Value::Null,
    }
}

/// Mixes two hashes (boost's hash_combine widened to 64 bits). Kusto documents its
/// combination as subject to change, so only the in-query consistency matters.
fn combine(seed: u64, hash: u64) -> u64 {
    seed ^ hash
        .wrapping_add(0x9e37_79b9_7f4a_7c15)
        .wrapping_add(seed << 6)
        .wrapping_add(seed >> 2)
}

/// The bytes Kusto's 64-bit hashes see; `None` for null.
fn binary_form(value: &Value) -> Option<Vec<u8>> {
    Some(match value {
        Value::Null => return None,
        Value::String(s) => s.as_bytes().to_vec(),
        Value::Bool(b) => vec![u8::from(*b)],
        Value::Int(n) => n.to_le_bytes().to_vec(),
        Value::Long(n) => n.to_le_bytes().to_vec(),
        Value::Real(f) => f.to_le_bytes().to_vec(),
        Value::Datetime(t) => t.saturating_add(DOTNET_EPOCH_OFFSET).to_le_bytes().to_vec(),
        Value::Timespan(t) => t.to_le_bytes().to_vec(),
        Value::Guid(g) => super::encoding::guid_to_dotnet_bytes(*g).to_vec(),
        Value::Dynamic(d) => match &**d {
            serde_json::Value::Null => return None,
            serde_json::Value::String(s) => s.as_bytes().to_vec(),
            other => other.to_string().into_bytes(),
        },
    })
}

/// The text the cryptographic hashes see: datetimes in full round-trip form.
fn text_form(value: &Value) -> Option<String> {
    match value {
        Value::Datetime(t) => Some(round_trip_datetime(*t)),
        other => as_text(other),
    }
}

/// `2020-01-01T00:00:00.0000000Z`: .NET's round-trip format, always seven digits.
pub(super) fn round_trip_datetime(ticks: i64) -> String {
    let text = crate::value::format_datetime(ticks.div_euclid(TICKS_PER_SECOND) * TICKS_PER_SECOND);
    let fraction = ticks.rem_euclid(TICKS_PER_SECOND);
    let mut out = text.trim_end_matches('Z').to_string();
    let _ = write!(out, ".{fraction:07}Z");
    out
}

fn digest_hex<D: Digest>(value: &Value) -> Value {
    let Some(text) = text_form(value) else {
        return Value::Null;
    };
    let digest = D::digest(text.as_bytes());
    let mut out = String::with_capacity(digest.len() * 2);
    for byte in digest.iter() {
        let _ = write!(out, "{byte:02x}");
    }
    Value::string(&out)
}

/// CRC-32 (IEEE 802.3, reflected, as zlib computes it), bit by bit: small beats fast here.
pub(super) fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xedb8_8320 & mask);
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kql::eval::literal::parse_datetime;

    fn run(name: &str, args: &[Value]) -> Value {
        call(name, args).ok().flatten().unwrap_or(Value::Null)
    }

    #[test]
    fn xxhash64_matches_kusto() {
        let world = Value::string("World");
        assert_eq!(
            run("hash", std::slice::from_ref(&world)),
            Value::Long(1846988464401551951)
        );
        assert_eq!(run("hash", &[world, Value::Long(100)]), Value::Long(51));
        let date = Value::Datetime(parse_datetime("2015-01-01").unwrap_or_default());
        assert_eq!(
            run("hash_xxhash64", &[date]),
            Value::Long(1380966698541616202)
        );
        assert_eq!(run("hash", &[Value::Null]), Value::Null);
    }

    #[test]
    fn digests_match_kusto() {
        let date = Value::Datetime(parse_datetime("2020-01-01").unwrap_or_default());
        assert_eq!(
            run("hash_sha1", &[Value::string("World")]),
            Value::string("70c07ec18ef89c5309bbb0937f3a6342411e1fdd")
        );
        assert_eq!(
            run("hash_sha256", &[date]),
            Value::string("ba666752dc1a20eb750b0eb64e780cc4c968bc9fb8813461c1d7e750f302d71d")
        );
        assert_eq!(
            run("hash_md5", &[Value::string("World")]),
            Value::string("f5a7924e621e84c9280a9a27e1bcb7f6")
        );
    }

    #[test]
    fn crc32_and_combinations() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        let many = run(
            "hash_many",
            &[Value::string("Hello"), Value::string("World")],
        );
        let combined = run(
            "hash_combine",
            &[
                run("hash", &[Value::string("Hello")]),
                run("hash", &[Value::string("World")]),
            ],
        );
        assert_eq!(many, combined);
        assert_eq!(
            run("hash_combine", &[Value::Long(1), Value::Null]),
            Value::Null
        );
    }
}
