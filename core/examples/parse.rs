//! Parses KQL from stdin and prints the diagnostics and the tree (debugging aid).
use std::io::Read;

fn main() {
    let mut text = String::new();
    if std::io::stdin().read_to_string(&mut text).is_err() {
        return;
    }
    let parsed = rulelab::kql::parse(&text);
    for d in &parsed.diagnostics {
        println!(
            "{} {} at {:?} `{}`",
            d.code,
            d.message,
            d.span,
            d.span.text(&text)
        );
    }
    if std::env::args().any(|a| a == "--tree") {
        println!("{:#?}", parsed.query);
    }
}
