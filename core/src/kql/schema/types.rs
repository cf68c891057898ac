//! Column type spellings as schema sources write them, normalized to [`ScalarType`].
//!
//! Sources disagree: KQL names (`string`, `long`), .NET names from `.show schema` and the
//! Sentinel CI (`System.String`, `Int64`, `SByte`), and the Defender docs' prose spellings
//! (`boolean`, `integer`, `object`, `enum`, `nullable bool`, `array`).

use crate::value::ScalarType;

/// The KQL type of a type name from a schema source, or `None` when the spelling is unknown
/// (callers treat such columns as `dynamic` and say so).
pub fn normalize_type(name: &str) -> Option<ScalarType> {
    let mut key = name.trim().to_ascii_lowercase();
    if let Some(rest) = key.strip_prefix("system.") {
        key = rest.to_string();
    }
    // `Nullable<bool>`, `bool?`, `nullable bool`: every KQL scalar is nullable already.
    if let Some(inner) = key
        .strip_prefix("nullable<")
        .and_then(|rest| rest.strip_suffix('>'))
    {
        key = inner.trim().to_string();
    } else if let Some(inner) = key.strip_prefix("nullable ") {
        key = inner.trim().to_string();
    } else if let Some(inner) = key.strip_suffix('?') {
        key = inner.trim().to_string();
    }
    if let Some(t) = ScalarType::parse(&key) {
        return Some(t);
    }
    Some(match key.as_str() {
        "integer" | "int16" | "uint16" | "byte" | "short" => ScalarType::Int,
        // Kusto has no unsigned types; 32-bit unsigned values need a long.
        "uint32" | "uint" | "uint64" | "ulong" | "bigint" => ScalarType::Long,
        "single" => ScalarType::Real,
        // Log Analytics stores bool as SByte.
        "sbyte" => ScalarType::Bool,
        "date/time" => ScalarType::Datetime,
        "object" | "array" | "dictionary" | "json" | "bag" => ScalarType::Dynamic,
        "enum" => ScalarType::String,
        "data.sqltypes.sqldecimal" => ScalarType::Decimal,
        _ => return None,
    })
}

/// The one-letter codes of the compact data files in `core/data/schemas/`.
pub(crate) fn from_code(code: &str) -> Option<ScalarType> {
    Some(match code {
        "" | "s" => ScalarType::String,
        "b" => ScalarType::Bool,
        "i" => ScalarType::Int,
        "l" => ScalarType::Long,
        "r" => ScalarType::Real,
        "m" => ScalarType::Decimal,
        "d" => ScalarType::Datetime,
        "t" => ScalarType::Timespan,
        "g" => ScalarType::Guid,
        "y" => ScalarType::Dynamic,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ScalarType::*;

    #[test]
    fn normalizes_every_spelling_in_the_sources() {
        let cases = [
            ("String", String),
            (" string  ", String),
            ("System.String", String),
            ("DateTime", Datetime),
            ("Date/time", Datetime),
            ("System.DateTime", Datetime),
            ("Int32", Int),
            ("Integer", Int),
            ("integer", Int),
            ("Int64", Long),
            ("bigint", Long),
            ("Long", Long),
            ("Double", Real),
            ("Real", Real),
            ("Boolean", Bool),
            ("bool", Bool),
            ("SByte", Bool),
            ("nullable bool", Bool),
            ("Nullable<Int32>", Int),
            ("bool?", Bool),
            ("Dynamic", Dynamic),
            ("object", Dynamic),
            ("System.Object", Dynamic),
            ("array", Dynamic),
            ("enum", String),
            ("GUID", Guid),
            ("System.Guid", Guid),
            ("TimeSpan", Timespan),
            ("System.Data.SqlTypes.SqlDecimal", Decimal),
        ];
        for (name, expected) in cases {
            assert_eq!(normalize_type(name), Some(expected), "{name}");
        }
        assert_eq!(normalize_type("table"), None);
        assert_eq!(normalize_type(""), None);
    }

    #[test]
    fn reads_data_codes() {
        assert_eq!(from_code(""), Some(String));
        assert_eq!(from_code("y"), Some(Dynamic));
        assert_eq!(from_code("q"), None);
    }
}
