//! `utf16le` (alias `wide`), `utf16be` and `utf16` (little endian with a byte order mark):
//! the value as UTF-16 bytes, usually encoded further with `base64`/`base64offset` (PowerShell
//! `-EncodedCommand` is Base64 of UTF-16LE).

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    Le,
    Be,
    /// `FF FE` then little endian, as the specification's example shows.
    LeWithBom,
}

pub fn encode(text: &str, encoding: Encoding) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() * 2 + 2);
    if encoding == Encoding::LeWithBom {
        out.extend_from_slice(&[0xFF, 0xFE]);
    }
    for unit in text.encode_utf16() {
        match encoding {
            Encoding::Be => out.extend_from_slice(&unit.to_be_bytes()),
            _ => out.extend_from_slice(&unit.to_le_bytes()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specification_examples() {
        assert_eq!(encode("cmd", Encoding::Le), [0x63, 0, 0x6d, 0, 0x64, 0]);
        assert_eq!(encode("cmd", Encoding::Be), [0, 0x63, 0, 0x6d, 0, 0x64]);
        assert_eq!(
            encode("cmd", Encoding::LeWithBom),
            [0xFF, 0xFE, 0x63, 0, 0x6d, 0, 0x64, 0]
        );
    }
}
