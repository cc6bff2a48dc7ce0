//! TCP (RFC 9293 §3.1): ports, sequence and acknowledgment numbers, the
//! control bits one by one, window, checksum over the pseudo-header, and
//! each option with its kind, length and value: MSS (RFC 9293 §3.7.1),
//! window scale and timestamps (RFC 7323), SACK (RFC 2018).

use super::ipv4::IpInfo;
use super::ports::{port_field, service};
use super::{args, expected_checksum, with_bits, Ctx, Field, Fields, Layer, Whole};
use crate::wire::checksum::pseudo_header_sum;
use crate::wire::tcp::HEADER_LEN;

/// The control bits of byte 13, most significant first (RFC 9293 §3.1;
/// CWR and ECE from RFC 3168).
const FLAGS: [(&str, &str); 8] = [
    ("tcp.flags.cwr", "CWR"),
    ("tcp.flags.ece", "ECE"),
    ("tcp.flags.urg", "URG"),
    ("tcp.flags.ack", "ACK"),
    ("tcp.flags.psh", "PSH"),
    ("tcp.flags.rst", "RST"),
    ("tcp.flags.syn", "SYN"),
    ("tcp.flags.fin", "FIN"),
];

/// The TCP layer over `start..end`.
pub(crate) fn dissect(ctx: &Ctx, start: usize, end: usize, ip: &IpInfo) -> Vec<Layer> {
    let got = end - start;
    let name = ctx.cat.plain("layer-tcp");
    let mut fields = Fields::new(start, end);
    let sport = ctx.u16_at(start);
    let dport = ctx.u16_at(start + 2);
    fields.push(port_field(ctx, "tcp.srcport", "tcp-srcport", start, sport));
    fields.push(port_field(
        ctx,
        "tcp.dstport",
        "tcp-dstport",
        start + 2,
        dport,
    ));
    let seq = ctx.u32_at(start + 4);
    let ack = ctx.u32_at(start + 8);
    let flag_bits = ctx.u8_at(start + 13);
    let ack_set = if flag_bits & 0x10 != 0 { "yes" } else { "no" };
    fields.push(ctx.field(
        "tcp.seq",
        start + 4,
        4,
        seq.to_string(),
        args![
            "syn" => if flag_bits & 0x02 != 0 { "yes" } else { "no" },
        ],
    ));
    fields.push(ctx.field(
        "tcp.ack",
        start + 8,
        4,
        ack.to_string(),
        args!["set" => ack_set],
    ));
    let b12 = ctx.u8_at(start + 12);
    let hdr = usize::from(b12 >> 4) * 4;
    fields.push(with_bits(
        ctx.field(
            "tcp.hdrlen",
            start + 12,
            1,
            format!("{} ({})", b12 >> 4, ctx.bytes_text(hdr)),
            args!["len" => hdr as i64],
        ),
        0,
        4,
    ));
    fields.push(with_bits(
        ctx.field(
            "tcp.reserved",
            start + 12,
            1,
            (b12 & 0x0f).to_string(),
            args![],
        ),
        4,
        4,
    ));
    let mut flags = ctx.field(
        "tcp.flags",
        start + 13,
        1,
        format!("0x{flag_bits:02x} [{}]", flag_names(flag_bits)),
        args![],
    );
    for (i, (key, _)) in FLAGS.iter().enumerate() {
        let set = flag_bits & (0x80 >> i) != 0;
        let child = ctx.field(
            key,
            start + 13,
            1,
            u8::from(set).to_string(),
            args!["set" => if set { "yes" } else { "no" }],
        );
        flags.children.push(with_bits(child, i as u8, 1));
    }
    fields.push(flags);
    let window = ctx.u16_at(start + 14);
    fields.push(ctx.field("tcp.window", start + 14, 2, window.to_string(), args![]));
    let stored = ctx.u16_at(start + 16);
    let expected = (ip.whole == Whole::Yes && got <= usize::from(u16::MAX)).then(|| {
        let pseudo = pseudo_header_sum(ip.src, ip.dst, 6, got as u16);
        expected_checksum(pseudo, &ctx.bytes[start..end], 16)
    });
    let (value, cargs) = ctx.checksum_value(stored, expected);
    let wrong = expected.is_some_and(|e| e != stored);
    fields.push(ctx.field("tcp.checksum", start + 16, 2, value, cargs));
    let urgent = ctx.u16_at(start + 18);
    let urg_set = if flag_bits & 0x20 != 0 { "yes" } else { "no" };
    fields.push(ctx.field(
        "tcp.urgent",
        start + 18,
        2,
        urgent.to_string(),
        args!["set" => urg_set],
    ));

    let layer = |fields: Fields, len: usize, summary: String| Layer {
        key: "tcp",
        name: name.clone(),
        offset: start,
        len,
        summary,
        fields: fields.list,
    };
    if got < HEADER_LEN.max(hdr) {
        let mut fields = fields;
        fields
            .list
            .extend(ctx.data_field("data", fields.reach, end));
        let summary = ctx.truncated_summary(&name, start, got, HEADER_LEN.max(hdr));
        return vec![layer(fields, got, summary)];
    }
    if hdr < HEADER_LEN {
        let mut fields = fields;
        fields
            .list
            .extend(ctx.data_field("data", start + HEADER_LEN, end));
        let summary = ctx.text(
            "summary-malformed",
            &args![
                "layer" => name.clone(),
                "reason" => ctx.cat.plain("reason-tcp-hdrlen"),
                "offset" => (start + 12) as i64,
            ],
        );
        return vec![layer(fields, got, summary)];
    }
    if hdr > HEADER_LEN {
        fields.push(options(ctx, start + HEADER_LEN, start + hdr));
    }
    fields
        .list
        .extend(ctx.data_field("tcp.data", start + hdr, end));
    let bad = if wrong {
        ctx.text("summary-note-bad-checksum", &args![])
    } else {
        String::new()
    };
    let summary = ctx.text(
        "summary-tcp",
        &args![
            "sport" => sport.to_string(),
            "dport" => dport.to_string(),
            "service" => service(dport).or(service(sport)).map_or(String::new(), |s| format!(" ({s})")),
            "flags" => flag_names(flag_bits),
            "seq" => seq.to_string(),
            "ack" => ack.to_string(),
            "hasack" => ack_set,
            "win" => window.to_string(),
            "len" => (end - start - hdr) as i64,
            "notes" => bad,
        ],
    );
    vec![layer(fields, hdr, summary)]
}

/// The names of the bits set, `SYN, ACK`; `none` when none is.
fn flag_names(bits: u8) -> String {
    // In the order a reader says them: SYN before ACK.
    let order = [6, 7, 5, 4, 3, 2, 1, 0];
    let names: Vec<&str> = order
        .iter()
        .filter(|&&i| bits & (0x80 >> i) != 0)
        .map(|&i| FLAGS[i].1)
        .collect();
    if names.is_empty() {
        "-".to_string()
    } else {
        names.join(", ")
    }
}

/// The options area `start..end`, one child per option.
fn options(ctx: &Ctx, start: usize, end: usize) -> Field {
    let mut field = ctx.field(
        "tcp.options",
        start,
        end - start,
        ctx.bytes_text(end - start),
        args!["len" => (end - start) as i64],
    );
    let mut at = start;
    while at < end {
        let kind = ctx.u8_at(at);
        if kind == 0 {
            field
                .children
                .push(ctx.field("tcp.opt.eol", at, 1, "0".into(), args![]));
            if at + 1 < end {
                field.children.push(ctx.field(
                    "tcp.opt.padding",
                    at + 1,
                    end - at - 1,
                    ctx.bytes_text(end - at - 1),
                    args![],
                ));
            }
            break;
        }
        if kind == 1 {
            field
                .children
                .push(ctx.field("tcp.opt.nop", at, 1, "1".into(), args![]));
            at += 1;
            continue;
        }
        let len = usize::from(ctx.u8_at(at + 1));
        if at + 2 > end || len < 2 || at + len > end {
            // RFC 9293 §3.1: an option whose length does not fit ends the
            // parse; the rest is shown as it is.
            field.children.push(ctx.field(
                "tcp.opt.bad",
                at,
                end - at,
                format!("kind {kind}, length {len}"),
                args!["kind" => i64::from(kind), "len" => len as i64, "room" => (end - at) as i64],
            ));
            break;
        }
        field.children.push(option(ctx, at, kind, len));
        at += len;
    }
    field
}

/// One option of kind `kind` and length `len` at `at`.
fn option(ctx: &Ctx, at: usize, kind: u8, len: usize) -> Field {
    let (key, want) = match kind {
        2 => ("tcp.opt.mss", Some(4)),
        3 => ("tcp.opt.wscale", Some(3)),
        4 => ("tcp.opt.sack_perm", Some(2)),
        5 => ("tcp.opt.sack", None),
        8 => ("tcp.opt.ts", Some(10)),
        _ => ("tcp.opt.unknown", None),
    };
    let bad_len = want.is_some_and(|w| w != len) || (kind == 5 && (len - 2) % 8 != 0);
    let key = if bad_len { "tcp.opt.unknown" } else { key };
    let mut value = String::new();
    let mut children = vec![
        ctx.field("tcp.opt.kind", at, 1, kind.to_string(), args![]),
        ctx.field("tcp.opt.len", at + 1, 1, len.to_string(), args![]),
    ];
    match key {
        "tcp.opt.mss" => {
            let mss = ctx.u16_at(at + 2);
            value = mss.to_string();
            children.push(ctx.field("tcp.opt.mss.val", at + 2, 2, value.clone(), args![]));
        }
        "tcp.opt.wscale" => {
            let shift = ctx.u8_at(at + 2);
            let factor = 1u64 << shift.min(30);
            value = format!("{shift} (× {factor})");
            children.push(ctx.field(
                "tcp.opt.wscale.shift",
                at + 2,
                1,
                value.clone(),
                args!["factor" => factor as i64, "shift" => i64::from(shift)],
            ));
        }
        "tcp.opt.ts" => {
            let val = ctx.u32_at(at + 2);
            let ecr = ctx.u32_at(at + 6);
            value = format!("TSval {val}, TSecr {ecr}");
            children.push(ctx.field("tcp.opt.ts.val", at + 2, 4, val.to_string(), args![]));
            children.push(ctx.field(
                "tcp.opt.ts.ecr",
                at + 6,
                4,
                ecr.to_string(),
                args!["zero" => if ecr == 0 { "yes" } else { "no" }],
            ));
        }
        "tcp.opt.sack" => {
            let mut blocks = Vec::new();
            for b in (at + 2..at + len).step_by(8) {
                let (left, right) = (ctx.u32_at(b), ctx.u32_at(b + 4));
                let text = format!("{left}-{right}");
                children.push(ctx.field(
                    "tcp.opt.sack.block",
                    b,
                    8,
                    text.clone(),
                    args!["bytes" => i64::from(right.wrapping_sub(left))],
                ));
                blocks.push(text);
            }
            value = blocks.join(", ");
        }
        "tcp.opt.unknown" if len > 2 => {
            value = ctx.bytes[at + 2..at + len]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            children.push(ctx.field("tcp.opt.data", at + 2, len - 2, value.clone(), args![]));
        }
        _ => {}
    }
    let mut field = ctx.field(
        key,
        at,
        len,
        value,
        args!["kind" => i64::from(kind), "len" => len as i64],
    );
    field.children = children;
    field
}
