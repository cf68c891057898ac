//! IP address functions: parse_ipv4/6 (and _mask), comparisons and matches with CIDR
//! prefixes, ranges, format_ipv4, and the has_ipv4 family that finds addresses in text.
//!
//! Kusto treats IPv4 inside the IPv6 functions as IPv4-mapped (`::ffff:a.b.c.d`), with an
//! IPv4 prefix counting from bit 96. Malformed addresses give null (booleans) or empty text.

use std::net::Ipv6Addr;
use std::sync::Arc;

use super::arg;
use crate::kql::eval::scalar::{as_i64, as_text};
use crate::kql::eval::Result;
use crate::value::Value;

pub fn call(name: &str, args: &[Value]) -> Result<Option<Value>> {
    let text = |i: usize| as_text(&arg(args, i));
    let v4 = |i: usize| text(i).as_deref().and_then(parse_v4);
    let v6 = |i: usize| text(i).as_deref().and_then(parse_v6);
    // An optional prefix argument: absent or null means "no limit".
    let prefix = |i: usize| match arg(args, i) {
        Value::Null => Some(None),
        value => as_i64(&value).map(Some),
    };
    Ok(Some(match name {
        "parse_ipv4" => v4(0).map_or(Value::Null, |ip| Value::Long(i64::from(ip.masked()))),
        "parse_ipv4_mask" => match (v4(0), as_i64(&arg(args, 1))) {
            (Some(ip), Some(bits)) if (0..=32).contains(&bits) => {
                Value::Long(i64::from(ip.limited(bits as u32).masked()))
            }
            _ => Value::Null,
        },
        "ipv4_compare" | "ipv4_is_match" => match (v4(0), v4(1), prefix(2)) {
            (Some(a), Some(b), Some(bits)) if bits.is_none_or(|b| (0..=32).contains(&b)) => {
                let bits = a.bits.min(b.bits).min(bits.map_or(32, |b| b as u32));
                let ordering = a.limited(bits).masked().cmp(&b.limited(bits).masked());
                if name == "ipv4_compare" {
                    Value::Long(ordering as i64)
                } else {
                    Value::Bool(ordering.is_eq())
                }
            }
            _ => Value::Null,
        },
        "ipv4_is_in_range" => match (v4(0), v4(1)) {
            (Some(ip), Some(range)) => Value::Bool(range.contains_v4(ip)),
            _ => Value::Null,
        },
        "ipv4_is_in_any_range" => {
            let Some(ip) = v4(0) else {
                return Ok(Some(Value::Null));
            };
            let mut found = false;
            for range in string_items(args.get(1..).unwrap_or_default()) {
                match parse_v4(&range) {
                    Some(range) => found |= range.contains_v4(ip),
                    None => return Ok(Some(Value::Null)),
                }
            }
            Value::Bool(found)
        }
        "ipv4_is_private" => v4(0).map_or(Value::Null, |ip| {
            let a = ip.address;
            Value::Bool(a >> 24 == 10 || a >> 20 == (172 << 4 | 1) || a >> 16 == (192 << 8 | 168))
        }),
        "ipv4_netmask_suffix" => v4(0).map_or(Value::Null, |ip| Value::Long(i64::from(ip.bits))),
        "ipv4_range_to_cidr_list" => match (v4(0), v4(1)) {
            (Some(start), Some(end)) => Value::Dynamic(Arc::new(serde_json::Value::Array(
                cidr_list(start.address, end.address)
                    .into_iter()
                    .map(serde_json::Value::String)
                    .collect(),
            ))),
            _ => Value::Null,
        },
        "format_ipv4" | "format_ipv4_mask" => {
            let ip = match arg(args, 0) {
                Value::Long(n) => u32::try_from(n).ok().map(|a| V4 {
                    address: a,
                    bits: 32,
                }),
                Value::Int(n) => u32::try_from(n).ok().map(|a| V4 {
                    address: a,
                    bits: 32,
                }),
                other => as_text(&other).as_deref().and_then(parse_v4),
            };
            let bits = match prefix(1) {
                Some(bits) => bits.unwrap_or(32),
                None => return Ok(Some(Value::string(""))),
            };
            match ip {
                Some(ip) if (0..=32).contains(&bits) => {
                    let ip = ip.limited(bits as u32);
                    let mut out = format_v4(ip.masked());
                    if name == "format_ipv4_mask" {
                        out.push_str(&format!("/{}", ip.bits));
                    }
                    Value::string(&out)
                }
                _ => Value::string(""),
            }
        }
        "parse_ipv6" => v6(0).map_or(Value::Null, |ip| Value::string(&format_v6(ip.masked()))),
        "parse_ipv6_mask" => match (v6(0), as_i64(&arg(args, 1))) {
            (Some(ip), Some(bits)) if (0..=128).contains(&bits) => {
                Value::string(&format_v6(ip.limited(bits as u32).masked()))
            }
            _ => Value::Null,
        },
        "ipv6_compare" | "ipv6_is_match" => match (v6(0), v6(1), prefix(2)) {
            (Some(a), Some(b), Some(bits)) if bits.is_none_or(|b| (0..=128).contains(&b)) => {
                let bits = a.bits.min(b.bits).min(bits.map_or(128, |b| b as u32));
                let ordering = a.limited(bits).masked().cmp(&b.limited(bits).masked());
                if name == "ipv6_compare" {
                    Value::Long(ordering as i64)
                } else {
                    Value::Bool(ordering.is_eq())
                }
            }
            _ => Value::Null,
        },
        "ipv6_is_in_range" => match (v6(0), v6(1)) {
            (Some(ip), Some(range)) => Value::Bool(range.contains_v6(ip)),
            _ => Value::Null,
        },
        "ipv6_is_in_any_range" => {
            let Some(ip) = v6(0) else {
                return Ok(Some(Value::Null));
            };
            let mut found = false;
            for range in string_items(args.get(1..).unwrap_or_default()) {
                match parse_v6(&range) {
                    Some(range) => found |= range.contains_v6(ip),
                    None => return Ok(Some(Value::Null)),
                }
            }
            Value::Bool(found)
        }
        "has_ipv4" | "has_any_ipv4" | "has_ipv4_prefix" | "has_any_ipv4_prefix" => {
            let Some(source) = text(0) else {
                return Ok(Some(Value::Bool(false)));
            };
            let is_prefix = name.ends_with("prefix");
            let wanted: Vec<String> = string_items(args.get(1..).unwrap_or_default())
                .into_iter()
                .filter(|w| {
                    if is_prefix {
                        is_ipv4_prefix(w)
                    } else {
                        parse_v4(w).is_some_and(|ip| ip.bits == 32)
                    }
                })
                .collect();
            let found = addresses_in(&source).iter().any(|address| {
                wanted.iter().any(|w| {
                    if is_prefix {
                        address.starts_with(w.as_str())
                    } else {
                        address == w
                    }
                })
            });
            Value::Bool(found)
        }
        _ => return Ok(None),
    }))
}

/// An IPv4 address with its prefix length (32 when none was written).
#[derive(Clone, Copy, Debug, PartialEq)]
struct V4 {
    address: u32,
    bits: u32,
}

impl V4 {
    fn limited(self, bits: u32) -> V4 {
        V4 {
            address: self.address,
            bits: self.bits.min(bits),
        }
    }

    fn masked(self) -> u32 {
        self.address & mask32(self.bits)
    }

    fn contains_v4(self, ip: V4) -> bool {
        ip.address & mask32(self.bits) == self.masked()
    }
}

fn mask32(bits: u32) -> u32 {
    u32::MAX.checked_shl(32 - bits.min(32)).unwrap_or(0)
}

/// An IPv6 address (IPv4 mapped into it) with its prefix length.
#[derive(Clone, Copy, Debug, PartialEq)]
struct V6 {
    address: u128,
    bits: u32,
}

impl V6 {
    fn limited(self, bits: u32) -> V6 {
        V6 {
            address: self.address,
            bits: self.bits.min(bits),
        }
    }

    fn masked(self) -> u128 {
        self.address & mask128(self.bits)
    }

    fn contains_v6(self, ip: V6) -> bool {
        ip.address & mask128(self.bits) == self.masked()
    }
}

fn mask128(bits: u32) -> u128 {
    u128::MAX.checked_shl(128 - bits.min(128)).unwrap_or(0)
}

/// `a.b.c.d[/n]`.
fn parse_v4(text: &str) -> Option<V4> {
    let text = text.trim();
    let (address, bits) = match text.split_once('/') {
        Some((a, b)) => (a, b.trim().parse::<u32>().ok().filter(|b| *b <= 32)?),
        None => (text, 32),
    };
    Some(V4 {
        address: parse_dotted(address.trim())?,
        bits,
    })
}

fn parse_dotted(text: &str) -> Option<u32> {
    let mut address = 0u32;
    let mut count = 0;
    for part in text.split('.') {
        if part.is_empty() || part.len() > 3 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        address = address << 8 | u32::from(part.parse::<u8>().ok()?);
        count += 1;
    }
    (count == 4).then_some(address)
}

/// IPv6 text, IPv4 text (mapped), `::a.b.c.d` (mapped as well), each with `/n`.
fn parse_v6(text: &str) -> Option<V6> {
    let text = text.trim();
    let (address, bits) = match text.split_once('/') {
        Some((a, b)) => (a.trim(), Some(b.trim().parse::<u32>().ok()?)),
        None => (text, None),
    };
    let has_v4_tail = address.contains('.');
    let mut value = if address.contains(':') {
        u128::from(address.parse::<Ipv6Addr>().ok()?)
    } else {
        u128::from(parse_dotted(address)?)
    };
    if has_v4_tail && value >> 32 == 0 {
        value |= 0xffff_u128 << 32;
    }
    let bits = match bits {
        Some(b) if has_v4_tail => (b <= 32).then_some(96 + b)?,
        Some(b) => (b <= 128).then_some(b)?,
        None => 128,
    };
    Some(V6 {
        address: value,
        bits,
    })
}

fn format_v4(address: u32) -> String {
    let [a, b, c, d] = address.to_be_bytes();
    format!("{a}.{b}.{c}.{d}")
}

/// All eight groups, four digits each: Kusto's canonical form.
fn format_v6(address: u128) -> String {
    (0..8)
        .rev()
        .map(|i| format!("{:04x}", (address >> (i * 16)) & 0xffff))
        .collect::<Vec<_>>()
        .join(":")
}

/// The smallest list of CIDR blocks covering `start..=end`.
fn cidr_list(start: u32, end: u32) -> Vec<String> {
    let mut out = Vec::new();
    let (mut current, end) = (u64::from(start), u64::from(end));
    while current <= end {
        // The largest block aligned at `current` that stays within `end`.
        let mut size = if current == 0 {
            1u64 << 32
        } else {
            current & current.wrapping_neg()
        };
        while current + size - 1 > end {
            size >>= 1;
        }
        let bits = 32 - size.trailing_zeros();
        out.push(format!("{}/{bits}", format_v4(current as u32)));
        current += size;
    }
    out
}

/// Strings among the arguments, dynamic arrays flattened.
fn string_items(values: &[Value]) -> Vec<String> {
    let mut out = Vec::new();
    for value in values {
        match value {
            Value::Dynamic(d) if d.is_array() => {
                for item in d.as_array().into_iter().flatten() {
                    if let Some(s) = item.as_str() {
                        out.push(s.to_string());
                    }
                }
            }
            other => out.extend(as_text(other)),
        }
    }
    out
}

/// A valid has_ipv4_prefix argument: a full address, or one to three octets ending in `.`.
fn is_ipv4_prefix(text: &str) -> bool {
    match text.strip_suffix('.') {
        Some(octets) => {
            let parts: Vec<&str> = octets.split('.').collect();
            (1..=3).contains(&parts.len())
                && parts
                    .iter()
                    .all(|p| !p.is_empty() && p.len() <= 3 && p.parse::<u8>().is_ok())
        }
        None => parse_dotted(text).is_some(),
    }
}

/// The valid IPv4 addresses in a text: maximal runs of digits and dots that parse, with
/// no letter or digit touching either end.
fn addresses_in(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let is_run = |b: u8| b.is_ascii_digit() || b == b'.';
        if !bytes.get(i).copied().is_some_and(is_run) {
            i += 1;
            continue;
        }
        let start = i;
        while bytes.get(i).copied().is_some_and(is_run) {
            i += 1;
        }
        let touches_word =
            |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
        let before = start.checked_sub(1).and_then(|j| bytes.get(j));
        if touches_word(before) || touches_word(bytes.get(i)) {
            continue;
        }
        if let Some(run) = text.get(start..i) {
            let run = run.trim_matches('.');
            if parse_dotted(run).is_some() {
                out.push(run);
            }
        }
    }
    out
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
    fn ipv4_parsing_and_matching() {
        assert_eq!(
            run("parse_ipv4", &[s("192.168.1.1/24")]),
            Value::Long(3232235776)
        );
        assert_eq!(run("parse_ipv4", &[s("256.1.1.1")]), Value::Null);
        assert_eq!(
            run(
                "ipv4_is_match",
                &[s("192.168.1.1/30"), s("192.168.1.255/24")]
            ),
            Value::Bool(true)
        );
        assert_eq!(
            run("ipv4_compare", &[s("192.168.1.1"), s("192.168.1.0")]),
            Value::Long(1)
        );
        assert_eq!(
            run("ipv4_is_private", &[s("172.31.0.1")]),
            Value::Bool(true)
        );
        assert_eq!(
            run("ipv4_is_private", &[s("172.32.0.1")]),
            Value::Bool(false)
        );
        assert_eq!(
            run("format_ipv4_mask", &[s("192.168.1.255"), Value::Long(24)]),
            s("192.168.1.0/24")
        );
        let cidr = s("192.168.1.1/24");
        assert_eq!(
            run("format_ipv4_mask", &[cidr.clone(), Value::Long(32)]),
            s("192.168.1.0/24")
        );
        assert_eq!(run("format_ipv4_mask", &[cidr, Value::Long(-1)]), s(""));
        assert_eq!(
            run("format_ipv4", &[Value::Long(3232236031)]),
            s("192.168.1.255")
        );
    }

    #[test]
    fn cidr_lists() {
        assert_eq!(
            cidr_list(0x0101_8000, 0x0101_8cff),
            ["1.1.128.0/21", "1.1.136.0/22", "1.1.140.0/24"]
        );
        assert_eq!(cidr_list(0, u32::MAX), ["0.0.0.0/0"]);
    }

    #[test]
    fn ipv6_with_mapped_ipv4() {
        assert_eq!(
            run("parse_ipv6", &[s("192.168.255.255/24")]),
            s("0000:0000:0000:0000:0000:ffff:c0a8:ff00")
        );
        assert_eq!(
            run(
                "parse_ipv6_mask",
                &[s("fe80::85d:e82c:9446:7994/120"), Value::Long(124)]
            ),
            s("fe80:0000:0000:0000:085d:e82c:9446:7900")
        );
        assert_eq!(
            run(
                "ipv6_compare",
                &[
                    s("::192.168.1.1/30"),
                    s("192.168.1.255/24"),
                    Value::Long(127)
                ]
            ),
            Value::Long(0)
        );
        assert_eq!(
            run(
                "ipv6_is_in_range",
                &[
                    s("a5e:f127:8a9d:146d:e102:b5d3:c755:abcd"),
                    s("a5e:f127:8a9d:146d:e102:b5d3:c755:f6cd/112")
                ]
            ),
            Value::Bool(true)
        );
    }

    #[test]
    fn addresses_in_text() {
        let line = s("05:04:54 127.0.0.1 GET /favicon.ico 404");
        assert_eq!(
            run("has_ipv4", &[line.clone(), s("127.0.0.1")]),
            Value::Bool(true)
        );
        assert_eq!(
            run("has_ipv4_prefix", &[line.clone(), s("127.0.")]),
            Value::Bool(true)
        );
        assert_eq!(
            run("has_any_ipv4_prefix", &[line, s("127.0")]),
            Value::Bool(false)
        );
        let glued = s("05:04:54127.0.0.1 GET");
        assert_eq!(
            run("has_ipv4", &[glued, s("127.0.0.1")]),
            Value::Bool(false)
        );
        let invalid = s("x 127.0.0.256 y");
        assert_eq!(
            run("has_ipv4_prefix", &[invalid, s("127.0.")]),
            Value::Bool(false)
        );
    }
}
