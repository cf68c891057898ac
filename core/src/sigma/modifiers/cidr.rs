//! `cidr`: the field is an IP address inside the given network (IPv4 or IPv6).

use std::net::IpAddr;

use ipnet::IpNet;

/// Parses a network (`10.0.0.0/8`, `fe80::/10`); a bare address is a network of one.
pub fn parse(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    if let Ok(net) = text.parse::<IpNet>() {
        return Ok(net);
    }
    match text.parse::<IpAddr>() {
        Ok(address) => Ok(IpNet::from(address)),
        Err(_) => Err(format!(
            "`{text}` is not a network in CIDR notation (such as `10.0.0.0/8` or `fe80::/10`)"
        )),
    }
}

/// Whether the text of a field is an address inside `net`. IPv4-mapped IPv6 addresses
/// (`::ffff:10.1.2.3`) count as their IPv4 address.
pub fn contains(net: &IpNet, text: &str) -> bool {
    let text = text.trim();
    let text = text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(text);
    // Zone indices (`fe80::1%eth0`) are not part of the address.
    let text = text.split('%').next().unwrap_or(text);
    let Ok(address) = text.parse::<IpAddr>() else {
        return false;
    };
    if net.contains(&address) {
        return true;
    }
    match address {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .is_some_and(|v4| net.contains(&IpAddr::V4(v4))),
        IpAddr::V4(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_and_ipv6_networks() {
        let net = parse("10.0.0.0/8").unwrap();
        assert!(contains(&net, "10.1.2.3"));
        assert!(!contains(&net, "11.1.2.3"));
        assert!(contains(&net, "::ffff:10.1.2.3"));
        assert!(!contains(&net, "not an ip"));
        let v6 = parse("fe80::/10").unwrap();
        assert!(contains(&v6, "fe80::1%eth0"));
        assert!(!contains(&v6, "2001:db8::1"));
        assert!(contains(&parse("127.0.0.1").unwrap(), "127.0.0.1"));
        assert!(parse("10.0.0.0/33").is_err());
    }
}
