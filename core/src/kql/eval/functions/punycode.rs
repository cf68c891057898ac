//! Punycode (RFC 3492): punycode_from_string / punycode_to_string, and the domain forms
//! that encode or decode each label with the `xn--` prefix. Kusto applies no IDNA mapping
//! (no case folding, spaces stay), so this is the bare algorithm.

use super::arg;
use crate::kql::eval::scalar::as_text;
use crate::kql::eval::Result;
use crate::value::Value;

const BASE: u32 = 36;
const T_MIN: u32 = 1;
const T_MAX: u32 = 26;
const SKEW: u32 = 38;
const DAMP: u32 = 700;
const INITIAL_BIAS: u32 = 72;
const INITIAL_N: u32 = 128;
const ACE_PREFIX: &str = "xn--";

pub fn call(name: &str, args: &[Value]) -> Result<Option<Value>> {
    let text = as_text(&arg(args, 0));
    let result = match name {
        "punycode_from_string" => text.as_deref().and_then(encode),
        "punycode_to_string" => text.as_deref().and_then(decode),
        "punycode_domain_to_string" => text.as_deref().and_then(domain_to_ascii),
        "punycode_domain_from_string" => text.as_deref().and_then(domain_to_unicode),
        _ => return Ok(None),
    };
    Ok(Some(result.map_or(Value::Null, |s| Value::string(&s))))
}

/// Label separators: the full stop and its ideographic, fullwidth and halfwidth forms.
fn is_label_separator(c: char) -> bool {
    matches!(c, '.' | '\u{3002}' | '\u{ff0e}' | '\u{ff61}')
}

fn domain_to_ascii(domain: &str) -> Option<String> {
    let labels: Option<Vec<String>> = domain
        .split(is_label_separator)
        .map(|label| {
            if label.is_ascii() {
                Some(label.to_string())
            } else {
                encode(label).map(|e| format!("{ACE_PREFIX}{e}"))
            }
        })
        .collect();
    Some(labels?.join("."))
}

fn domain_to_unicode(domain: &str) -> Option<String> {
    let labels: Option<Vec<String>> = domain
        .split(is_label_separator)
        .map(|label| match label.get(..4) {
            Some(prefix) if prefix.eq_ignore_ascii_case(ACE_PREFIX) => decode(label.get(4..)?),
            _ => Some(label.to_string()),
        })
        .collect();
    Some(labels?.join("."))
}

fn adapt(mut delta: u32, points: u32, is_first: bool) -> u32 {
    delta /= if is_first { DAMP } else { 2 };
    delta += delta / points;
    let mut k = 0;
    while delta > ((BASE - T_MIN) * T_MAX) / 2 {
        delta /= BASE - T_MIN;
        k += BASE;
    }
    k + (BASE - T_MIN + 1) * delta / (delta + SKEW)
}

fn threshold(k: u32, bias: u32) -> u32 {
    k.saturating_sub(bias).clamp(T_MIN, T_MAX)
}

fn digit_char(d: u32) -> Option<char> {
    match d {
        0..=25 => char::from_u32(u32::from(b'a') + d),
        26..=35 => char::from_u32(u32::from(b'0') + d - 26),
        _ => None,
    }
}

fn digit_value(c: char) -> Option<u32> {
    match c {
        'a'..='z' => Some(c as u32 - u32::from(b'a')),
        'A'..='Z' => Some(c as u32 - u32::from(b'A')),
        '0'..='9' => Some(c as u32 - u32::from(b'0') + 26),
        _ => None,
    }
}

/// Encodes a label; `None` on arithmetic overflow (absurdly long input).
fn encode(input: &str) -> Option<String> {
    let points: Vec<u32> = input.chars().map(u32::from).collect();
    let mut out: String = input.chars().filter(char::is_ascii).collect();
    let basic = out.chars().count() as u32;
    if basic > 0 {
        out.push('-');
    }
    let (mut n, mut delta, mut bias, mut handled) = (INITIAL_N, 0u32, INITIAL_BIAS, basic);
    let total = points.len() as u32;
    while handled < total {
        let m = points.iter().copied().filter(|&p| p >= n).min()?;
        delta = delta.checked_add((m - n).checked_mul(handled + 1)?)?;
        n = m;
        for &p in &points {
            if p < n {
                delta = delta.checked_add(1)?;
            }
            if p == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = threshold(k, bias);
                    if q < t {
                        break;
                    }
                    out.push(digit_char(t + (q - t) % (BASE - t))?);
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out.push(digit_char(q)?);
                bias = adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta = delta.checked_add(1)?;
        n = n.checked_add(1)?;
    }
    Some(out)
}

/// Decodes a label; `None` when it is not valid punycode.
fn decode(input: &str) -> Option<String> {
    let (basic, extended) = match input.rfind('-') {
        Some(i) => (input.get(..i)?, input.get(i + 1..)?),
        None => ("", input),
    };
    if !basic.is_ascii() {
        return None;
    }
    let mut out: Vec<char> = basic.chars().collect();
    let (mut n, mut i, mut bias) = (INITIAL_N, 0u32, INITIAL_BIAS);
    let mut digits = extended.chars().peekable();
    while digits.peek().is_some() {
        let old_i = i;
        let mut w = 1u32;
        let mut k = BASE;
        loop {
            let digit = digit_value(digits.next()?)?;
            i = i.checked_add(digit.checked_mul(w)?)?;
            let t = threshold(k, bias);
            if digit < t {
                break;
            }
            w = w.checked_mul(BASE - t)?;
            k += BASE;
        }
        let len = out.len() as u32 + 1;
        bias = adapt(i - old_i, len, old_i == 0);
        n = n.checked_add(i / len)?;
        i %= len;
        out.insert(i as usize, char::from_u32(n)?);
        i += 1;
    }
    Some(out.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip() {
        assert_eq!(encode("艺术").as_deref(), Some("cqv902d"));
        assert_eq!(decode("cqv902d").as_deref(), Some("艺术"));
        assert_eq!(encode("abc").as_deref(), Some("abc-"));
        assert!(decode("a-!").is_none());
    }

    #[test]
    fn domains_as_kusto_shows_them() {
        assert_eq!(
            domain_to_ascii("Lê Lợi。Thuận Thiên。com").as_deref(),
            Some("xn--L Li-gpa4517b.xn--Thun Thin-s4a7194f.com")
        );
        assert_eq!(
            domain_to_ascii("Kaledvoulc'h.Artorījos.edu").as_deref(),
            Some("Kaledvoulc'h.xn--Artorjos-ejb.edu")
        );
        assert_eq!(
            domain_to_unicode("xn--Ry-lja8c.xn--Jng-uta63a.xn--Bng-9ka.com").as_deref(),
            Some("Rúyì.Jīngū.Bàng.com")
        );
    }
}
