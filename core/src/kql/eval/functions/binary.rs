//! Bitwise functions over longs: binary_and/or/xor/not, the shifts, bitset_count_ones.

use super::arg;
use crate::kql::eval::scalar::as_i64;
use crate::kql::eval::Result;
use crate::value::Value;

pub fn call(name: &str, args: &[Value]) -> Result<Option<Value>> {
    let integer = |i: usize| match arg(args, i) {
        Value::Real(_) => None,
        other => as_i64(&other),
    };
    let both = |f: fn(i64, i64) -> i64| match (integer(0), integer(1)) {
        (Some(a), Some(b)) => Value::Long(f(a, b)),
        _ => Value::Null,
    };
    Ok(Some(match name {
        "binary_and" => both(|a, b| a & b),
        "binary_or" => both(|a, b| a | b),
        "binary_xor" => both(|a, b| a ^ b),
        "binary_not" => integer(0).map_or(Value::Null, |a| Value::Long(!a)),
        // Shifts take the count modulo 64, as .NET does for longs.
        "binary_shift_left" => both(|a, n| a.wrapping_shl((n & 63) as u32)),
        "binary_shift_right" => both(|a, n| a.wrapping_shr((n & 63) as u32)),
        "bitset_count_ones" => {
            integer(0).map_or(Value::Null, |a| Value::Long(a.count_ones() as i64))
        }
        _ => return Ok(None),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(name: &str, args: &[i64]) -> Value {
        let args: Vec<Value> = args.iter().map(|&n| Value::Long(n)).collect();
        call(name, &args).unwrap().unwrap()
    }

    #[test]
    fn bitwise() {
        assert_eq!(eval("binary_xor", &[1, 2]), Value::Long(3));
        assert_eq!(eval("binary_and", &[6, 3]), Value::Long(2));
        assert_eq!(eval("binary_not", &[100]), Value::Long(-101));
        assert_eq!(eval("binary_shift_left", &[1, 2]), Value::Long(4));
        assert_eq!(eval("binary_shift_right", &[1, 2]), Value::Long(0));
        assert_eq!(eval("bitset_count_ones", &[42]), Value::Long(3));
        assert_eq!(
            call("binary_or", &[Value::Null, Value::Long(1)]).unwrap(),
            Some(Value::Null)
        );
    }
}
