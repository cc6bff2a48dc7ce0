//! UDP (RFC 768): ports, length, the checksum over a pseudo-header and the
//! datagram, and the data the application sent.

use super::ipv4::IpInfo;
use super::ports::{port_field, service};
use super::{args, expected_checksum, Ctx, Fields, Layer, Whole};
use crate::wire::checksum::pseudo_header_sum;
use crate::wire::udp::HEADER_LEN;

/// The UDP layer over `start..end`.
pub(crate) fn dissect(ctx: &Ctx, start: usize, end: usize, ip: &IpInfo) -> Vec<Layer> {
    let got = end - start;
    let name = ctx.cat.plain("layer-udp");
    let mut fields = Fields::new(start, end);
    let sport = ctx.u16_at(start);
    let dport = ctx.u16_at(start + 2);
    fields.push(port_field(ctx, "udp.srcport", "udp-srcport", start, sport));
    fields.push(port_field(
        ctx,
        "udp.dstport",
        "udp-dstport",
        start + 2,
        dport,
    ));
    let len = usize::from(ctx.u16_at(start + 4));
    let status = if len < HEADER_LEN {
        "short"
    } else if len > got && ip.whole == Whole::Yes {
        "beyond"
    } else {
        "ok"
    };
    fields.push(ctx.field(
        "udp.length",
        start + 4,
        2,
        len.to_string(),
        args!["status" => status, "got" => got as i64, "data" => len.saturating_sub(HEADER_LEN) as i64],
    ));
    let stored = ctx.u16_at(start + 6);
    // A zero checksum means the sender computed none (RFC 768); a computed
    // zero is sent as 0xffff.
    let expected = (ip.whole == Whole::Yes && status == "ok" && stored != 0).then(|| {
        let pseudo = pseudo_header_sum(ip.src, ip.dst, 17, len as u16);
        match expected_checksum(pseudo, &ctx.bytes[start..start + len], 6) {
            0 => 0xffff,
            c => c,
        }
    });
    let (value, cargs) = ctx.checksum_value(stored, expected);
    let wrong = expected.is_some_and(|e| e != stored);
    fields.push(ctx.field("udp.checksum", start + 6, 2, value, cargs));

    if got < HEADER_LEN {
        fields
            .list
            .extend(ctx.data_field("data", fields.reach, end));
        let summary = ctx.truncated_summary(&name, start, got, HEADER_LEN);
        return vec![layer(name, start, got, summary, fields)];
    }
    let data_end = if status == "ok" {
        (start + len).min(end)
    } else {
        end
    };
    // DNS (port 53) and DHCP (67 and 68) are taken apart as layers of
    // their own, as Wireshark does.
    use crate::wire::{dhcp, dns};
    let data = status == "ok" && data_end > start + HEADER_LEN;
    let ports = [sport, dport];
    let app = if data && ports.contains(&dns::PORT) {
        Some(super::dns::dissect(ctx, start + HEADER_LEN, data_end))
    } else if data && ports.contains(&dhcp::SERVER_PORT) && ports.contains(&dhcp::CLIENT_PORT) {
        Some(super::dhcp::dissect(ctx, start + HEADER_LEN, data_end))
    } else {
        None
    };
    if app.is_none() {
        fields
            .list
            .extend(ctx.data_field("udp.data", start + HEADER_LEN, data_end));
    }
    // Bytes the IP packet holds past the UDP length.
    if status == "ok" {
        fields.list.extend(ctx.data_field("data", data_end, end));
    }
    let mut notes = Vec::new();
    if wrong {
        notes.push(ctx.text("summary-note-bad-checksum", &args![]));
    }
    if status != "ok" {
        notes.push(ctx.text(
            "summary-note-udp-length",
            &args!["len" => len as i64, "got" => got as i64],
        ));
    }
    let summary = ctx.text(
        "summary-udp",
        &args![
            "sport" => i64::from(sport),
            "dport" => i64::from(dport),
            "service" => service(dport).or(service(sport)).map_or(String::new(), |s| format!(" ({s})")),
            "len" => data_end.saturating_sub(start + HEADER_LEN) as i64,
            "notes" => notes.join(" "),
        ],
    );
    let mut layers = vec![layer(name, start, HEADER_LEN, summary, fields)];
    layers.extend(app);
    layers
}

fn layer(name: String, offset: usize, len: usize, summary: String, fields: Fields) -> Layer {
    Layer {
        key: "udp",
        name,
        offset,
        len,
        summary,
        fields: fields.list,
    }
}
