//! ICMP (RFC 792; codes from RFC 1122 §3.2.2 and RFC 1812 §5.2.7.1): type
//! and code named, checksum checked, identifier and sequence number of an
//! echo, and for an error the IP header and first 8 bytes it quotes, taken
//! apart in turn.

use super::ipv4::IpInfo;
use super::{args, expected_checksum, layer_as_field, Ctx, Field, Fields, Layer, Whole};
use crate::wire::icmp::HEADER_LEN;

/// The type's word for the catalogue's selectors.
fn type_kind(ty: u8) -> &'static str {
    match ty {
        0 => "echo-reply",
        3 => "unreachable",
        4 => "source-quench",
        5 => "redirect",
        8 => "echo-request",
        9 => "router-advert",
        10 => "router-solicit",
        11 => "time-exceeded",
        12 => "param-problem",
        13 => "timestamp",
        14 => "timestamp-reply",
        _ => "other",
    }
}

/// Whether the message is an error that quotes the packet that caused it
/// (RFC 792; RFC 1122 §3.2.2).
fn is_error(ty: u8) -> bool {
    matches!(ty, 3 | 4 | 5 | 11 | 12)
}

/// The ICMP layer over `start..end` (and, for an error, the quoted
/// header's fields inside it).
pub(crate) fn dissect(ctx: &Ctx, start: usize, end: usize, ip: &IpInfo) -> Vec<Layer> {
    let got = end - start;
    let name = ctx.cat.plain("layer-icmp");
    if got < 4 {
        return vec![ctx.truncated_layer("icmp", start, got, HEADER_LEN)];
    }
    let ty = ctx.u8_at(start);
    let code = ctx.u8_at(start + 1);
    let kind = type_kind(ty);
    let type_name = ctx.text("icmp-type-name", &args!["type" => kind]);
    let code_kind = format!("c{code}");
    let code_name = ctx.text(
        "icmp-code-name",
        &args!["type" => kind, "code" => code_kind.clone()],
    );
    let mut fields = Fields::new(start, end);
    fields.push(ctx.field(
        "icmp.type",
        start,
        1,
        format!("{ty} ({type_name})"),
        args!["type" => kind],
    ));
    fields.push(ctx.field(
        "icmp.code",
        start + 1,
        1,
        format!("{code} ({code_name})"),
        args!["type" => kind, "code" => code_kind],
    ));
    let stored = ctx.u16_at(start + 2);
    let expected =
        (ip.whole == Whole::Yes).then(|| expected_checksum(0, &ctx.bytes[start..end], 2));
    let (value, cargs) = ctx.checksum_value(stored, expected);
    let wrong = expected.is_some_and(|e| e != stored);
    fields.push(ctx.field("icmp.checksum", start + 2, 2, value, cargs));

    let mut detail = String::new();
    match ty {
        0 | 8 | 13 | 14 => {
            let id = ctx.u16_at(start + 4);
            let seq = ctx.u16_at(start + 6);
            fields.push(ctx.field("icmp.id", start + 4, 2, id.to_string(), args![]));
            fields.push(ctx.field("icmp.seq", start + 6, 2, seq.to_string(), args![]));
            detail = format!(" id {id} seq {seq}");
            fields
                .list
                .extend(ctx.data_field("icmp.data", start + HEADER_LEN, end));
        }
        5 => {
            let gw = super::arp::ip_at(ctx, start + 4);
            fields.push(ctx.field("icmp.gateway", start + 4, 4, gw.to_string(), args![]));
        }
        12 => {
            let pointer = ctx.u8_at(start + 4);
            fields.push(ctx.field("icmp.pointer", start + 4, 1, pointer.to_string(), args![]));
            fields.push(ctx.field("icmp.unused", start + 5, 3, "0".into(), args![]));
        }
        3 if code == 4 => {
            // RFC 1191 §4: the next hop's MTU in the low 16 bits.
            let mtu = ctx.u16_at(start + 6);
            fields.push(ctx.field("icmp.unused", start + 4, 2, "0".into(), args![]));
            fields.push(ctx.field("icmp.mtu", start + 6, 2, mtu.to_string(), args![]));
        }
        _ => {
            let rest = ctx.u32_at(start + 4);
            fields.push(ctx.field(
                "icmp.unused",
                start + 4,
                4,
                format!("0x{rest:08x}"),
                args![],
            ));
        }
    }
    if is_error(ty) && fields.fits(start, HEADER_LEN) {
        fields.list.extend(quoted(ctx, start + HEADER_LEN, end));
    }
    let summary = if got < HEADER_LEN {
        fields
            .list
            .extend(ctx.data_field("data", fields.reach, end));
        ctx.truncated_summary(&name, start, got, HEADER_LEN)
    } else {
        let bad = if wrong {
            format!(" {}", ctx.text("summary-note-bad-checksum", &args![]))
        } else {
            String::new()
        };
        format!("{type_name} ({code_name}){detail}{bad}")
    };
    vec![Layer {
        key: "icmp",
        name,
        offset: start,
        len: got,
        summary,
        fields: fields.list,
    }]
}

/// The quoted IP header and 8 bytes of an error, as one field whose
/// children are the quoted layers.
fn quoted(ctx: &Ctx, start: usize, end: usize) -> Option<Field> {
    if start >= end {
        return None;
    }
    let (layers, _) = super::ipv4::dissect(ctx, start, end, Whole::Quoted);
    let mut field = ctx.field(
        "icmp.quoted",
        start,
        end - start,
        ctx.bytes_text(end - start),
        args!["len" => (end - start) as i64],
    );
    field.children = layers.into_iter().map(layer_as_field).collect();
    Some(field)
}
