//! The properties the fuzz targets check, shared with the corpus smoke test
//! (`tests/tests/fuzz_corpus_smoke.rs` includes this file with `#[path]`), so CI runs the
//! same checks over the committed seeds and regressions without cargo-fuzz.
//!
//! Only `rulelab` (the core crate) and `std` may be used here.

/// `kql_parse`: arbitrary bytes (lossy UTF-8) through the KQL parser, the formatter and the
/// parser again. A panic anywhere is a failure (the fuzzer reports it as a crash); the
/// returned error is a broken property:
/// - every diagnostic span lies inside its text, on character boundaries (editors slice by it);
/// - if the first parse had no errors, the formatted text parses without errors too.
pub fn check_kql_parse(data: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(data);
    let first = rulelab::kql::parse(&text);
    check_spans(&first, &text, "input")?;
    let formatted = rulelab::kql::format::format_query(&first.query);
    let second = rulelab::kql::parse(&formatted);
    check_spans(&second, &formatted, "formatted text")?;
    if !first.has_errors() && second.has_errors() {
        let errors: Vec<String> = second
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| {
                format!(
                    "{} {} at {}..{} `{}`",
                    d.code,
                    d.message,
                    d.span.start,
                    d.span.end,
                    d.span.text(&formatted)
                )
            })
            .collect();
        return Err(format!(
            "the input parses without errors but its formatted text does not:\n\
             input: {text:?}\nformatted: {formatted:?}\nerrors: {}",
            errors.join("; ")
        ));
    }
    Ok(())
}

fn check_spans(parsed: &rulelab::kql::Parsed, text: &str, what: &str) -> Result<(), String> {
    for d in &parsed.diagnostics {
        if text.get(d.span.range()).is_none() {
            return Err(format!(
                "diagnostic {} has span {}..{} outside the {what} ({} bytes) or inside a \
                 character: {text:?}",
                d.code,
                d.span.start,
                d.span.end,
                text.len()
            ));
        }
    }
    Ok(())
}
