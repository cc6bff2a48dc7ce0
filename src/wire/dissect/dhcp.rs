//! DHCP (RFC 2131 §2): BOOTP's fixed fields, the magic cookie, and each
//! option (RFC 2132) with its code, length and value.

use std::net::Ipv4Addr;

use super::{args, with_bits, Ctx, Fields, Layer};
use crate::wire::dhcp::{MessageType, FIXED_LEN, MAGIC_COOKIE};
use crate::wire::MacAddr;

/// The message over `start..end` (a UDP datagram's data).
pub(crate) fn dissect(ctx: &Ctx, start: usize, end: usize) -> Layer {
    let got = end - start;
    if got < FIXED_LEN {
        return ctx.truncated_layer("dhcp", start, got, FIXED_LEN);
    }
    let mut fields = Fields::new(start, end);
    let addr = |at: usize| {
        Ipv4Addr::new(
            ctx.u8_at(at),
            ctx.u8_at(at + 1),
            ctx.u8_at(at + 2),
            ctx.u8_at(at + 3),
        )
    };
    let op = ctx.u8_at(start);
    fields.push(ctx.field(
        "dhcp.op",
        start,
        1,
        op.to_string(),
        args!["n" => i64::from(op)],
    ));
    for (key, at) in [("dhcp.htype", 1), ("dhcp.hlen", 2), ("dhcp.hops", 3)] {
        let n = ctx.u8_at(start + at);
        fields.push(ctx.field(
            key,
            start + at,
            1,
            n.to_string(),
            args!["n" => i64::from(n)],
        ));
    }
    let xid = ctx.u32_at(start + 4);
    fields.push(ctx.field("dhcp.xid", start + 4, 4, format!("0x{xid:08x}"), args![]));
    let secs = ctx.u16_at(start + 8);
    fields.push(ctx.field(
        "dhcp.secs",
        start + 8,
        2,
        secs.to_string(),
        args!["n" => i64::from(secs)],
    ));
    let flags = ctx.u16_at(start + 10);
    let mut flag_field = ctx.field(
        "dhcp.flags",
        start + 10,
        2,
        format!("0x{flags:04x}"),
        args![],
    );
    let bc = i64::from(flags >> 15);
    flag_field.children.push(with_bits(
        ctx.field(
            "dhcp.flags.bc",
            start + 10,
            1,
            bc.to_string(),
            args!["n" => bc],
        ),
        0,
        1,
    ));
    fields.push(flag_field);
    for (key, at) in [
        ("dhcp.ciaddr", 12),
        ("dhcp.yiaddr", 16),
        ("dhcp.siaddr", 20),
        ("dhcp.giaddr", 24),
    ] {
        let a = addr(start + at);
        let zero = if a.is_unspecified() { "yes" } else { "no" };
        fields.push(ctx.field(key, start + at, 4, a.to_string(), args!["zero" => zero]));
    }
    let mut mac = [0u8; 6];
    mac.copy_from_slice(&ctx.bytes[start + 28..start + 34]);
    fields.push(ctx.field(
        "dhcp.chaddr",
        start + 28,
        16,
        MacAddr(mac).to_string(),
        args![],
    ));
    fields.push(ctx.field("dhcp.sname", start + 44, 64, ctx.bytes_text(64), args![]));
    fields.push(ctx.field("dhcp.file", start + 108, 128, ctx.bytes_text(128), args![]));
    let cookie = &ctx.bytes[start + 236..start + 240];
    let ok = if cookie == MAGIC_COOKIE { "yes" } else { "no" };
    let cookie_text = format!("{}.{}.{}.{}", cookie[0], cookie[1], cookie[2], cookie[3]);
    fields.push(ctx.field(
        "dhcp.cookie",
        start + 236,
        4,
        cookie_text,
        args!["ok" => ok],
    ));
    let mut at = start + FIXED_LEN;
    let mut kind = String::new();
    while at < end {
        let code = ctx.u8_at(at);
        if code == 0 || code == 255 {
            // End (255) and what pads the message after it; or a pad byte.
            let key = if code == 255 { "dhcp.end" } else { "dhcp.pad" };
            fields.push(ctx.field(key, at, 1, code.to_string(), args![]));
            at += 1;
            if code == 255 {
                break;
            }
            continue;
        }
        let Some(&len) = ctx.bytes.get(at + 1).filter(|_| at + 1 < end) else {
            break;
        };
        let len = usize::from(len);
        if at + 2 + len > end {
            break;
        }
        let data = &ctx.bytes[at + 2..at + 2 + len];
        let value = option_value(code, data);
        if code == 53 {
            kind = value.clone();
        }
        fields.push(ctx.field(
            "dhcp.option",
            at,
            2 + len,
            format!("({code}) {value}"),
            args!["code" => i64::from(code), "len" => len as i64],
        ));
        at += 2 + len;
    }
    fields.list.extend(ctx.data_field("dhcp.padding", at, end));
    let summary = ctx.text(
        "summary-dhcp",
        &args![
            "kind" => if kind.is_empty() { "BOOTP".to_string() } else { kind },
            "xid" => format!("0x{xid:08x}"),
            "mac" => MacAddr(mac).to_string(),
        ],
    );
    Layer {
        key: "dhcp",
        name: ctx.cat.plain("layer-dhcp"),
        offset: start,
        len: at.min(end) - start,
        summary,
        fields: fields.list,
    }
}

/// An option's value as text: addresses, seconds, the message type.
fn option_value(code: u8, data: &[u8]) -> String {
    let addrs = || {
        let list: Vec<String> = data
            .chunks_exact(4)
            .map(|c| Ipv4Addr::new(c[0], c[1], c[2], c[3]).to_string())
            .collect();
        list.join(", ")
    };
    match (code, data) {
        (53, &[t]) => MessageType::from_code(t)
            .map_or("?", MessageType::name)
            .to_string(),
        (1 | 3 | 6 | 50 | 54, _) if !data.is_empty() && data.len() % 4 == 0 => addrs(),
        (51 | 58 | 59, &[a, b, c, d]) => format!("{} s", u32::from_be_bytes([a, b, c, d])),
        (55, _) => {
            let codes: Vec<String> = data.iter().map(u8::to_string).collect();
            codes.join(", ")
        }
        (12, _) => String::from_utf8_lossy(data).into_owned(),
        _ => data
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

#[cfg(test)]
mod tests {
    use super::super::Field;
    use super::*;

    fn keys(fields: &[Field]) -> Vec<&'static str> {
        fields.iter().map(|f| f.key).collect()
    }
    use crate::i18n::{Catalogue, Lang};
    use crate::wire::dhcp::DhcpMessage;

    #[test]
    fn a_discover_shows_bootp_fields_the_cookie_and_each_option() {
        let mut m = DhcpMessage::request(
            MessageType::Discover,
            0x1234_5678,
            MacAddr([2, 0, 0, 0, 0, 1]),
        );
        m.broadcast = true;
        m.parameter_list = vec![1, 3, 6];
        let bytes = m.emit();
        let cat = Catalogue::new(Lang::En);
        let ctx = Ctx {
            cat: &cat,
            bytes: &bytes,
        };
        let layer = dissect(&ctx, 0, bytes.len());
        assert_eq!(
            layer.summary,
            "Discover, xid 0x12345678, from 02:00:00:00:00:01"
        );
        let k = keys(&layer.fields);
        assert_eq!(
            &k[..5],
            [
                "dhcp.op",
                "dhcp.htype",
                "dhcp.hlen",
                "dhcp.hops",
                "dhcp.xid"
            ]
        );
        let option = |i: usize| {
            layer
                .fields
                .iter()
                .filter(|f| f.key == "dhcp.option")
                .nth(i)
        };
        assert_eq!(
            option(0).map(|f| (f.offset, f.len, f.value.as_str())),
            Some((240, 3, "(53) Discover"))
        );
        assert_eq!(option(1).map(|f| f.value.as_str()), Some("(55) 1, 3, 6"));
        let bc = &layer
            .fields
            .iter()
            .find(|f| f.key == "dhcp.flags")
            .unwrap()
            .children[0];
        assert_eq!((bc.value.as_str(), bc.bits), ("1", Some((0, 1))));
        assert!(k.contains(&"dhcp.end") && k.contains(&"dhcp.padding"));
    }
}
