//! Parses Sigma files and prints their diagnostics (debugging aid):
//! `cargo run -p rulelab-core --example sigma -- FILE... [--tree]`.

fn main() {
    let tree = std::env::args().any(|a| a == "--tree");
    for path in std::env::args().skip(1).filter(|a| a != "--tree") {
        let Ok(text) = std::fs::read_to_string(&path) else {
            eprintln!("{path}: unreadable");
            continue;
        };
        let parsed = rulelab::sigma::parse(&text);
        for d in &parsed.diagnostics {
            println!(
                "{path}:{}:{}: {}[{}] {} `{}`",
                d.range.start.line + 1,
                d.range.start.character + 1,
                d.severity.as_str(),
                d.code,
                d.message,
                d.span.text(&text)
            );
        }
        if tree {
            println!(
                "{}",
                serde_json::to_string_pretty(&parsed.rules).unwrap_or_default()
            );
        }
    }
}
