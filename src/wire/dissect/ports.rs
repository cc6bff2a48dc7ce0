//! Well-known port numbers (IANA's service name registry, RFC 6335) and the
//! dynamic range an operating system picks client ports from (RFC 6335 §6).

use super::{args, Ctx, Field};

/// The service usually found on `port`, if it is a common one.
pub(crate) fn service(port: u16) -> Option<&'static str> {
    Some(match port {
        7 => "echo",
        9 => "discard",
        13 => "daytime",
        20 => "ftp-data",
        21 => "ftp",
        22 => "ssh",
        23 => "telnet",
        25 => "smtp",
        53 => "dns",
        67 => "dhcp server",
        68 => "dhcp client",
        69 => "tftp",
        80 => "http",
        110 => "pop3",
        123 => "ntp",
        143 => "imap",
        161 => "snmp",
        443 => "https",
        514 => "syslog",
        2425 => "ipmsg (FeiQ)",
        3306 => "mysql",
        8080 => "http-alt",
        _ => return None,
    })
}

/// A source or destination port field: `53 (dns)`, with the meaning
/// saying whether it is well known, registered or dynamic.
pub(crate) fn port_field(ctx: &Ctx, key: &'static str, msg: &str, at: usize, port: u16) -> Field {
    let range = match port {
        0 => "zero",
        1..=1023 => "system",
        1024..=49151 => "registered",
        _ => "dynamic",
    };
    let (value, name) = match service(port) {
        Some(name) => (format!("{port} ({name})"), name),
        None => (port.to_string(), ""),
    };
    ctx.field_as(
        key,
        msg,
        at,
        2,
        value,
        args!["range" => range, "port" => port.to_string(), "service" => name, "known" => if name.is_empty() { "no" } else { "yes" }],
    )
}
