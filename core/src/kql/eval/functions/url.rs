//! URL and path parsing: parse_url, parse_urlquery, parse_path. Each returns a property bag
//! with the keys the Kusto docs show.

use std::sync::Arc;

use serde_json::{Map, Value as Json};

use super::arg;
use crate::kql::eval::scalar::as_text;
use crate::kql::eval::Result;
use crate::value::Value;

pub fn call(name: &str, args: &[Value]) -> Result<Option<Value>> {
    let text = as_text(&arg(args, 0));
    let bag = match name {
        "parse_url" => text.as_deref().map(parse_url),
        "parse_urlquery" => text.as_deref().map(|query| {
            let mut bag = Map::new();
            bag.insert("Query Parameters".into(), query_parameters(query));
            Json::Object(bag)
        }),
        "parse_path" => text.as_deref().map(parse_path),
        _ => return Ok(None),
    };
    Ok(Some(
        bag.map_or(Value::Null, |b| Value::Dynamic(Arc::new(b))),
    ))
}

fn bag(pairs: &[(&str, Json)]) -> Json {
    Json::Object(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}

fn text(s: &str) -> Json {
    Json::String(s.to_string())
}

/// `k1=v1&k2=v2` as a bag of URL-decoded values (a leading `?` is ignored).
fn query_parameters(query: &str) -> Json {
    let mut map = Map::new();
    for pair in query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        map.insert(decode(key), Json::String(decode(value)));
    }
    Json::Object(map)
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        let escaped = (byte == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(decoded) => {
                out.push(decoded);
                i += 3;
            }
            None => {
                out.push(if byte == b'+' { b' ' } else { byte });
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `scheme://user:password@host:port/path?query#fragment`; an absolute URL or an empty bag.
fn parse_url(url: &str) -> Json {
    let Some((scheme, rest)) = url.split_once("://") else {
        return Json::Object(Map::new());
    };
    let (rest, fragment) = rest.split_once('#').unwrap_or((rest, ""));
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (authority, path) = match rest.find('/') {
        Some(i) => (rest.get(..i).unwrap_or(""), rest.get(i..).unwrap_or("")),
        None => (rest, ""),
    };
    let (credentials, host_port) = match authority.rsplit_once('@') {
        Some((c, h)) => (c, h),
        None => ("", authority),
    };
    let (username, password) = credentials.split_once(':').unwrap_or((credentials, ""));
    // `[::1]:80`: the port follows the closing bracket of an IPv6 host.
    let port_at = match host_port.rfind(']') {
        Some(bracket) => host_port
            .get(bracket..)
            .and_then(|s| s.find(':'))
            .map(|i| bracket + i),
        None => host_port.rfind(':'),
    };
    let (host, port) = match port_at {
        Some(i) => (
            host_port.get(..i).unwrap_or(""),
            host_port.get(i + 1..).unwrap_or(""),
        ),
        None => (host_port, ""),
    };
    bag(&[
        ("Scheme", text(scheme)),
        ("Host", text(host)),
        ("Port", text(port)),
        ("Path", text(path)),
        ("Username", text(username)),
        ("Password", text(password)),
        ("Query Parameters", query_parameters(query)),
        ("Fragment", text(fragment)),
    ])
}

/// Splits a file path (Windows, UNC or Unix, optionally `file://`) into its parts.
fn parse_path(path: &str) -> Json {
    let (scheme, rest) = match path.split_once("://") {
        Some((s, r)) if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric()) => (s, r),
        _ => ("", path),
    };
    let mut chars = rest.chars();
    let root = match (chars.next(), chars.next()) {
        (Some(drive), Some(':')) if drive.is_ascii_alphabetic() => rest.get(..2).unwrap_or(""),
        _ => "",
    };
    let (directory, file) = match rest.rfind(['/', '\\']) {
        Some(i) => (rest.get(..i).unwrap_or(""), rest.get(i + 1..).unwrap_or("")),
        None => ("", rest),
    };
    // `file.txt:stream` names an NTFS alternate data stream.
    let (filename, stream) = file.split_once(':').unwrap_or((file, ""));
    let extension = filename.rsplit_once('.').map_or("", |(_, e)| e);
    let directory_name = directory.rsplit(['/', '\\']).next().unwrap_or("");
    let directory_name = if directory_name == root {
        ""
    } else {
        directory_name
    };
    bag(&[
        ("Scheme", text(scheme)),
        ("RootPath", text(root)),
        ("DirectoryPath", text(directory)),
        ("DirectoryName", text(directory_name)),
        ("Filename", text(filename)),
        ("Extension", text(extension)),
        ("AlternateDataStreamName", text(stream)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let parsed =
            parse_url("scheme://username:password@host:1234/this/is/a/path?k1=v1&k2=v2#fragment");
        assert_eq!(parsed["Host"], "host");
        assert_eq!(parsed["Port"], "1234");
        assert_eq!(parsed["Path"], "/this/is/a/path");
        assert_eq!(parsed["Password"], "password");
        assert_eq!(parsed["Query Parameters"]["k2"], "v2");
        assert_eq!(parsed["Fragment"], "fragment");
        assert_eq!(query_parameters("a=b%20c&d")["a"], "b c");
    }

    #[test]
    fn paths() {
        let windows = parse_path(r"C:\temp\file.txt");
        assert_eq!(windows["RootPath"], "C:");
        assert_eq!(windows["DirectoryPath"], r"C:\temp");
        assert_eq!(windows["DirectoryName"], "temp");
        assert_eq!(windows["Extension"], "txt");
        let stream = parse_path("file://C:/temp/file.txt:some.exe");
        assert_eq!(stream["Scheme"], "file");
        assert_eq!(stream["Filename"], "file.txt");
        assert_eq!(stream["AlternateDataStreamName"], "some.exe");
        let unc = parse_path(r"\\shared\users\temp\file.txt.gz");
        assert_eq!(unc["DirectoryPath"], r"\\shared\users\temp");
        assert_eq!(unc["Extension"], "gz");
    }
}
