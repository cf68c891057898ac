//! `base64` and `base64offset`: the value is looked for in its Base64 form.
//!
//! A text inside a longer encoded string encodes differently depending on its offset modulo
//! 3. `base64offset` yields the three forms, each cut to the characters that do not depend
//! on the surrounding bytes (the same offsets as pySigma: starts 0, 2, 3; ends cut by
//! 0, 3 or 2 characters depending on the length).

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

pub fn encode(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// The three shifted encodings of `bytes`, as found inside any longer Base64 text.
pub fn offsets(bytes: &[u8]) -> Vec<String> {
    const START: [usize; 3] = [0, 2, 3];
    const END_CUT: [usize; 3] = [0, 3, 2];
    (0..3)
        .map(|shift| {
            let mut shifted = vec![b' '; shift];
            shifted.extend_from_slice(bytes);
            let encoded = encode(&shifted);
            let cut = END_CUT[(bytes.len() + shift) % 3];
            let end = encoded.len().saturating_sub(cut);
            encoded
                .get(START[shift].min(end)..end)
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_match_pysigma() {
        // pySigma's documented example: base64offset of "/bin/bash".
        assert_eq!(
            offsets(b"/bin/bash"),
            ["L2Jpbi9iYXNo", "9iaW4vYmFza", "vYmluL2Jhc2"]
        );
        assert_eq!(encode(b"cmd"), "Y21k");
    }

    #[test]
    fn each_offset_is_found_in_a_longer_encoding() {
        let needle = b"Invoke-Mimikatz";
        for prefix in ["", "a", "ab", "abc", "abcd"] {
            let mut text = prefix.as_bytes().to_vec();
            text.extend_from_slice(needle);
            text.extend_from_slice(b" -x");
            let encoded = encode(&text);
            assert!(
                offsets(needle).iter().any(|o| encoded.contains(o.as_str())),
                "{prefix}: {encoded}"
            );
        }
    }
}
