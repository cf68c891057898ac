//! `ipv4_lookup` / `ipv6_lookup(LookupTable, SourceKey, LookupKey [, extra keys...]
//! [, return_unmatched])`: joins each row to the lookup row whose IP range (an address or a
//! CIDR prefix) contains the row's address, preferring the longest prefix.

use std::net::IpAddr;

use ipnet::IpNet;

use super::{named, Column, EvalError, Evaluator, Result, Table};
use crate::kql::ast::*;
use crate::kql::eval::scalar::as_text;
use crate::value::Value;

/// An address or prefix as text: `10.0.0.0/8`, `10.1.2.3`, `2001:db8::/32`.
fn network(text: &str, is_v6: bool) -> Option<IpNet> {
    let text = text.trim();
    let net = match text.parse::<IpNet>() {
        Ok(net) => net,
        Err(_) => IpNet::from(text.parse::<IpAddr>().ok()?),
    };
    (matches!(net, IpNet::V6(_)) == is_v6).then_some(net)
}

impl Evaluator<'_> {
    pub(super) fn ip_lookup(&mut self, args: &[Arg], input: Table, is_v6: bool) -> Result<Table> {
        let positional: Vec<&Arg> = args.iter().filter(|a| a.name.is_none()).collect();
        let (Some(lookup), Some(source_key), Some(lookup_key)) =
            (positional.first(), positional.get(1), positional.get(2))
        else {
            return Err(EvalError::new(
                "ip lookup needs a lookup table, a source column and a lookup column",
            ));
        };
        let lookup = self.table(&lookup.value)?;
        // `return_unmatched` by name, or as a trailing positional bool.
        let trailing_flag = positional
            .last()
            .filter(|a| positional.len() > 3 && a.value.as_name().is_none());
        let return_unmatched = match named(args, "return_unmatched").or(trailing_flag.copied()) {
            Some(arg) => matches!(self.constant(&arg.value)?, Value::Bool(true)),
            None => false,
        };
        let extra_keys = positional
            .len()
            .saturating_sub(3 + usize::from(trailing_flag.is_some()));
        let name = |arg: &Arg| arg.value.as_name().map(|n| n.name.clone());
        let source_index = name(source_key)
            .and_then(|n| input.column_index(&n))
            .ok_or_else(|| EvalError::new("ip lookup: the source key must be a column"))?;
        let lookup_index = name(lookup_key)
            .and_then(|n| lookup.column_index(&n))
            .ok_or_else(|| EvalError::new("ip lookup: the lookup key must be a lookup column"))?;
        // Extra keys: columns of both sides that must be equal too.
        let mut extra = Vec::new();
        for arg in positional.iter().skip(3).take(extra_keys) {
            let column = name(arg)
                .ok_or_else(|| EvalError::new("ip lookup: extra keys must be column names"))?;
            match (input.column_index(&column), lookup.column_index(&column)) {
                (Some(l), Some(r)) => extra.push((l, r)),
                _ => {
                    return Err(EvalError::new(format!(
                        "ip lookup: extra key `{column}` must be a column of both tables"
                    )))
                }
            }
        }
        let networks: Vec<Option<IpNet>> = lookup
            .rows
            .iter()
            .map(|r| {
                r.get(lookup_index)
                    .and_then(as_text)
                    .and_then(|t| network(&t, is_v6))
            })
            .collect();
        // ipv4_lookup puts the input's columns first, ipv6_lookup the lookup table's (as
        // each plugin's documented output shows).
        let (first, second) = if is_v6 {
            (&lookup.columns, &input.columns)
        } else {
            (&input.columns, &lookup.columns)
        };
        let mut columns = first.clone();
        for column in second {
            let mut name = column.name.clone();
            let mut n = 1;
            while columns.iter().any(|c| c.name == name) {
                name = format!("{}{n}", column.name);
                n += 1;
            }
            columns.push(Column {
                name,
                ty: column.ty,
            });
        }
        let join = |row: &[Value], found: Option<&Vec<Value>>| -> Vec<Value> {
            let found = found
                .cloned()
                .unwrap_or_else(|| vec![Value::Null; lookup.columns.len()]);
            if is_v6 {
                found.into_iter().chain(row.iter().cloned()).collect()
            } else {
                row.iter().cloned().chain(found).collect()
            }
        };
        let mut out = Table::new(columns);
        for row in &input.rows {
            let address = row
                .get(source_index)
                .and_then(as_text)
                .and_then(|t| network(&t, is_v6));
            let best = address.and_then(|address| {
                networks
                    .iter()
                    .enumerate()
                    .filter(|(i, net)| {
                        net.is_some_and(|net| net.contains(&address))
                            && lookup.rows.get(*i).is_some_and(|lrow| {
                                extra.iter().all(|&(l, r)| {
                                    crate::kql::eval::scalar::equals(
                                        row.get(l).unwrap_or(&Value::Null),
                                        lrow.get(r).unwrap_or(&Value::Null),
                                    ) == Some(true)
                                })
                            })
                    })
                    .max_by_key(|(i, net)| {
                        (net.map_or(0, |n| n.prefix_len()), std::cmp::Reverse(*i))
                    })
                    .map(|(i, _)| i)
            });
            match best.and_then(|i| lookup.rows.get(i)) {
                Some(found) => out.rows.push(join(row, Some(found))),
                None if return_unmatched => out.rows.push(join(row, None)),
                None => {}
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::run;

    #[test]
    fn longest_prefix_wins() {
        let table = run("let L = datatable(net:string, tag:string)['10.0.0.0/8', 'wide', '10.1.0.0/16', 'narrow']; datatable(ip:string)['10.1.2.3', '11.0.0.1'] | evaluate ipv4_lookup(L, ip, net)");
        assert_eq!(table.rows.len(), 1);
        assert_eq!(table.rows[0][2], crate::value::Value::string("narrow"));
    }
}
