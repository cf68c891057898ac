//! Arbitrary bytes (lossy UTF-8) through `rulelab::sigma::parse` and a one-shot
//! evaluation on two fixed events. A panic anywhere is a crash; every diagnostic span (and
//! fix edit) must lie inside the text on character boundaries.
//!
//! ```text
//! RUSTC_BOOTSTRAP=1 cargo fuzz run sigma_parse fuzz/corpus/sigma_parse fuzz/seeds/sigma_parse
//! ```

#![no_main]

use libfuzzer_sys::fuzz_target;
use rulelab::sigma::{self, EvaluateOptions};

fn check(text: &str, diagnostics: &[rulelab::Diagnostic], what: &str) {
    for d in diagnostics {
        if text.get(d.span.range()).is_none() {
            panic!(
                "{what}: diagnostic {} has span {}..{} outside the text ({} bytes) or inside a character: {text:?}",
                d.code,
                d.span.start,
                d.span.end,
                text.len()
            );
        }
        for fix in &d.fixes {
            for edit in &fix.edits {
                if text.get(edit.span.range()).is_none() {
                    panic!(
                        "{what}: fix edit {:?} of {} outside the text: {text:?}",
                        edit.span, d.code
                    );
                }
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = sigma::parse(&text);
    check(&text, &parsed.diagnostics, "parse");
    let events = [
        serde_json::json!({"Image": "C:\\Windows\\whoami.exe", "EventID": 1, "CommandLine": "a -b /c", "User": null,
                           "TimeCreated": "2024-01-01T00:00:00Z", "n": {"x": [1, "y"]}}),
        serde_json::json!({"EventID": "4625", "User": "bob", "TimeCreated": "2024-01-01T00:00:01Z"}),
    ];
    let evaluation = sigma::evaluate(&text, &events, &EvaluateOptions::default());
    check(&text, &evaluation.diagnostics, "evaluate");
});
