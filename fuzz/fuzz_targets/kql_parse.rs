//! Arbitrary bytes (lossy UTF-8) through `rulelab::kql::parse`, `format_query` and `parse`
//! again; see `rulelab_fuzz::check_kql_parse` for the properties.
//!
//! ```text
//! RUSTC_BOOTSTRAP=1 cargo fuzz run kql_parse fuzz/corpus/kql_parse fuzz/seeds/kql_parse
//! ```

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(message) = rulelab_fuzz::check_kql_parse(data) {
        panic!("{message}");
    }
});
