//! `windash`: Windows command-line flags accept `-`, `/` and the dashes `–` (en dash), `—`
//! (em dash) and `―` (horizontal bar) interchangeably. Every one of these characters in the
//! value becomes a class of all five, which is the same as matching every permutation
//! (specification: "Creates all possible permutations").
//!
//! pySigma replaces only a `-` or `/` that starts a word (`\B[-/]\b`); the specification's
//! wording covers every occurrence, which is what is done here (a superset of pySigma's
//! matches).

use crate::sigma::pattern::{Part, Pattern, DASHES};

/// Turns every dash character of the literal parts into a [`Part::Dash`].
pub fn apply(pattern: Pattern) -> Pattern {
    let mut out = Pattern::default();
    for part in pattern.parts {
        match part {
            Part::Literal(text) => {
                let mut run = String::new();
                for c in text.chars() {
                    if DASHES.contains(&c) {
                        out.push(Part::Literal(std::mem::take(&mut run)));
                        out.push(Part::Dash);
                    } else {
                        run.push(c);
                    }
                }
                out.push(Part::Literal(run));
            }
            other => out.push(other),
        }
    }
    out
}

/// The literal variants of a pattern with dash classes, when there are at most `limit`
/// of them (5^n variants); `None` beyond that, to be matched as a regular expression.
pub fn variants(pattern: &Pattern, limit: usize) -> Option<Vec<Pattern>> {
    let dashes = pattern.parts.iter().filter(|p| **p == Part::Dash).count();
    if dashes > limit {
        return None;
    }
    let mut out = vec![Pattern::default()];
    for part in &pattern.parts {
        if *part == Part::Dash {
            out = out
                .into_iter()
                .flat_map(|p| {
                    DASHES.iter().map(move |d| {
                        let mut q = p.clone();
                        q.push(Part::Literal(d.to_string()));
                        q
                    })
                })
                .collect();
        } else {
            for p in &mut out {
                p.push(part.clone());
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dashes_become_classes_and_expand() {
        let p = apply(Pattern::parse(" -enc ").contains());
        assert_eq!(
            p.parts,
            [
                Part::Star,
                Part::Literal(" ".into()),
                Part::Dash,
                Part::Literal("enc ".into()),
                Part::Star
            ]
        );
        let variants = variants(&p, 2).unwrap();
        assert_eq!(variants.len(), 5);
        assert!(variants.iter().any(|v| v.to_sigma() == "* /enc *"));
        assert!(variants.iter().any(|v| v.to_sigma() == "* \u{2015}enc *"));
        let many = apply(Pattern::parse("-a -b -c"));
        assert!(super::variants(&many, 2).is_none());
    }
}
