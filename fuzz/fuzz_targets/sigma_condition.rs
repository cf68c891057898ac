//! Arbitrary bytes (lossy UTF-8) as a Sigma condition: through the lalrpop grammar alone,
//! then inside a rule (single-quoted) that is parsed and evaluated. A panic is a crash;
//! spans must lie inside their text.
//!
//! ```text
//! RUSTC_BOOTSTRAP=1 cargo fuzz run sigma_condition fuzz/corpus/sigma_condition fuzz/seeds/sigma_condition
//! ```

#![no_main]

use libfuzzer_sys::fuzz_target;
use rulelab::sigma::{self, condition, EvaluateOptions};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = condition::parse(&text);
    for d in &parsed.diagnostics {
        if text.get(d.span.range()).is_none() {
            panic!(
                "condition: span {:?} of {} outside {text:?}",
                d.span, d.code
            );
        }
    }
    if text.contains(['\n', '\r']) {
        return;
    }
    let rule = format!(
        "title: t\nlogsource:\n    product: windows\ndetection:\n    selection:\n        a: 1\n    selection_b:\n        b|contains: x\n    filter_1:\n        c: null\n    _x:\n        d: 1\n    condition: '{}'\n",
        text.replace('\'', "''")
    );
    let evaluation = sigma::evaluate(
        &rule,
        &[
            serde_json::json!({"a": 1, "b": "xyz"}),
            serde_json::json!({"c": 3}),
        ],
        &EvaluateOptions::default(),
    );
    for d in &evaluation.diagnostics {
        if rule.get(d.span.range()).is_none() {
            panic!("rule: span {:?} of {} outside {rule:?}", d.span, d.code);
        }
    }
});
