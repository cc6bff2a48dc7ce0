//! ARP for IPv4 over Ethernet (RFC 826): "who has this IP address? tell
//! me", and the answer "it is at this MAC address".

use std::net::Ipv4Addr;

use super::ethernet::{mac_at, maker_text};
use super::{args, Ctx, Fields, Layer};
use crate::wire::arp::PACKET_LEN;

/// The bytes before the addresses: hardware and protocol type and length,
/// and the opcode (RFC 826, `ar$hrd` … `ar$op`).
const FIXED_LEN: usize = 8;

/// ARP's layer from `start` (bytes up to `end`), and where it ends.
pub(crate) fn dissect(ctx: &Ctx, start: usize, end: usize) -> (Vec<Layer>, usize) {
    let got = end - start;
    let name = ctx.cat.plain("layer-arp");
    if got < FIXED_LEN {
        return (
            vec![ctx.truncated_layer("arp", start, got, PACKET_LEN)],
            end,
        );
    }
    let mut fields = Fields::new(start, end);
    let htype = ctx.u16_at(start);
    let ptype = ctx.u16_at(start + 2);
    let hlen = ctx.u8_at(start + 4);
    let plen = ctx.u8_at(start + 5);
    let op = ctx.u16_at(start + 6);
    let htype_kind = if htype == 1 { "ethernet" } else { "other" };
    fields.push(ctx.field(
        "arp.htype",
        start,
        2,
        htype.to_string(),
        args!["kind" => htype_kind],
    ));
    let ptype_kind = if ptype == 0x0800 { "ipv4" } else { "other" };
    fields.push(ctx.field(
        "arp.ptype",
        start + 2,
        2,
        format!("0x{ptype:04x}"),
        args!["kind" => ptype_kind],
    ));
    fields.push(ctx.field("arp.hlen", start + 4, 1, hlen.to_string(), args![]));
    fields.push(ctx.field("arp.plen", start + 5, 1, plen.to_string(), args![]));
    let op_kind = match op {
        1 => "request",
        2 => "reply",
        3 => "rarp-request",
        4 => "rarp-reply",
        _ => "other",
    };
    let op_name = ctx.text("arp-op-name", &args!["op" => op_kind]);
    fields.push(ctx.field(
        "arp.op",
        start + 6,
        2,
        format!("{op} ({op_name})"),
        args!["op" => op_kind],
    ));

    let summary;
    if htype != 1 || ptype != 0x0800 || hlen != 6 || plen != 4 {
        summary = ctx.text(
            "summary-arp-malformed",
            &args!["offset" => (start + 4) as i64, "hlen" => i64::from(hlen), "plen" => i64::from(plen)],
        );
        fields
            .list
            .extend(ctx.data_field("data", start + FIXED_LEN, end));
        return (
            vec![Layer {
                key: "arp",
                name,
                offset: start,
                len: got,
                summary,
                fields: fields.list,
            }],
            end,
        );
    }

    let sha = mac_at(ctx.bytes, start + 8);
    let spa = ip_at(ctx, start + 14);
    let tha = mac_at(ctx.bytes, start + 18);
    let tpa = ip_at(ctx, start + 24);
    let maker = maker_text(ctx, sha);
    fields.push(ctx.field(
        "arp.sha",
        start + 8,
        6,
        sha.to_string(),
        args!["op" => op_kind, "maker" => maker],
    ));
    fields.push(ctx.field(
        "arp.spa",
        start + 14,
        4,
        spa.to_string(),
        args!["op" => op_kind],
    ));
    let zero = if tha == crate::wire::MacAddr::ZERO {
        "yes"
    } else {
        "no"
    };
    fields.push(ctx.field(
        "arp.tha",
        start + 18,
        6,
        tha.to_string(),
        args!["op" => op_kind, "zero" => zero],
    ));
    fields.push(ctx.field(
        "arp.tpa",
        start + 24,
        4,
        tpa.to_string(),
        args!["op" => op_kind],
    ));

    if got < PACKET_LEN {
        summary = ctx.truncated_summary(&name, start, got, PACKET_LEN);
        fields
            .list
            .extend(ctx.data_field("data", fields.reach, end));
        let layer = Layer {
            key: "arp",
            name,
            offset: start,
            len: got,
            summary,
            fields: fields.list,
        };
        return (vec![layer], end);
    }
    let gratuitous = if spa == tpa { "yes" } else { "no" };
    summary = ctx.text(
        "summary-arp",
        &args![
            "op" => op_kind,
            "spa" => spa.to_string(),
            "sha" => sha.to_string(),
            "tpa" => tpa.to_string(),
            "gratuitous" => gratuitous,
        ],
    );
    let layer = Layer {
        key: "arp",
        name,
        offset: start,
        len: PACKET_LEN,
        summary,
        fields: fields.list,
    };
    (vec![layer], start + PACKET_LEN)
}

/// Four bytes at `at` as an address, zeros past the end.
pub(crate) fn ip_at(ctx: &Ctx, at: usize) -> Ipv4Addr {
    Ipv4Addr::from(ctx.u32_at(at))
}
