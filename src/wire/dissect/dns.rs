//! DNS (RFC 1035 §4.1): the header with its flag bits one by one, each
//! question, and each resource record with its name, type, class, TTL and
//! data. A name's bytes are shown as they stand on the wire, pointer and
//! all; its value is the whole name the pointer leads to.

use super::{args, with_bits, Ctx, Field, Fields, Layer};
use crate::wire::dns::{self, RecordType, HEADER_LEN};

/// The flag fields of the second word: key, first bit, bit count.
const FLAGS: [(&str, u8, u8); 8] = [
    ("dns.flags.qr", 0, 1),
    ("dns.flags.opcode", 1, 4),
    ("dns.flags.aa", 5, 1),
    ("dns.flags.tc", 6, 1),
    ("dns.flags.rd", 7, 1),
    ("dns.flags.ra", 8, 1),
    ("dns.flags.z", 9, 3),
    ("dns.flags.rcode", 12, 4),
];

/// The DNS message over `start..end` (a UDP datagram's data, or a TCP
/// message after its length).
pub(crate) fn dissect(ctx: &Ctx, start: usize, end: usize) -> Layer {
    let name = ctx.cat.plain("layer-dns");
    let got = end - start;
    if got < HEADER_LEN {
        return ctx.truncated_layer("dns", start, got, HEADER_LEN);
    }
    let mut fields = Fields::new(start, end);
    let id = ctx.u16_at(start);
    fields.push(ctx.field("dns.id", start, 2, id.to_string(), args![]));
    let word = ctx.u16_at(start + 2);
    let mut flags = ctx.field("dns.flags", start + 2, 2, format!("0x{word:04x}"), args![]);
    for (key, first, count) in FLAGS {
        let value = (word >> (16 - first - count)) & ((1 << count) - 1);
        let field = ctx.field(
            key,
            start + 2 + usize::from(first / 8),
            if first % 8 + count > 8 { 2 } else { 1 },
            value.to_string(),
            args!["n" => i64::from(value)],
        );
        flags.children.push(with_bits(field, first % 8, count));
    }
    fields.push(flags);
    let counts: Vec<u16> = (0..4).map(|i| ctx.u16_at(start + 4 + 2 * i)).collect();
    for (i, key) in ["dns.qdcount", "dns.ancount", "dns.nscount", "dns.arcount"]
        .into_iter()
        .enumerate()
    {
        let n = counts[i];
        fields.push(ctx.field(
            key,
            start + 4 + 2 * i,
            2,
            n.to_string(),
            args!["n" => i64::from(n)],
        ));
    }
    let mut at = start + HEADER_LEN;
    let mut broken = false;
    for _ in 0..counts[0] {
        match question(ctx, start, at, end) {
            Some((field, next)) => {
                fields.push(field);
                at = next;
            }
            None => {
                broken = true;
                break;
            }
        }
    }
    let sections = ["dns.answer", "dns.authority", "dns.additional"];
    'sections: for (section, &n) in sections.into_iter().zip(&counts[1..]) {
        for _ in 0..n {
            if broken {
                break 'sections;
            }
            match record(ctx, start, at, end, section) {
                Some((field, next)) => {
                    fields.push(field);
                    at = next;
                }
                None => broken = true,
            }
        }
    }
    fields.list.extend(ctx.data_field("data", at, end));
    let mut line = String::new();
    dns::describe(&ctx.bytes[start..end], &mut line);
    let summary = ctx.text("summary-dns", &args!["text" => line]);
    Layer {
        key: "dns",
        name,
        offset: start,
        len: at.min(end) - start,
        summary,
        fields: fields.list,
    }
}

/// The name at `at` in the message `msg..end` (as [`dns::read_name`]
/// reads it), and where the bytes that stand for it end, in frame offsets.
fn name_at(ctx: &Ctx, msg: usize, at: usize, end: usize) -> Option<(String, usize)> {
    let (text, next) = dns::read_name(&ctx.bytes[msg..end], at - msg).ok()?;
    Some((text, msg + next))
}

fn type_text(t: u16) -> String {
    format!("{} ({t})", RecordType(t))
}

/// The three fields a question and a record both start with: the name at
/// `at` (its text `text`, its bytes ending at `after`), then the type and
/// the class, under the `keys` of the entry's kind.
fn name_type_class(
    ctx: &Ctx,
    keys: [&'static str; 3],
    at: usize,
    after: usize,
    text: &str,
) -> Vec<Field> {
    let rtype = ctx.u16_at(after);
    let class = ctx.u16_at(after + 2);
    vec![
        ctx.field(keys[0], at, after - at, format!("{text}."), args![]),
        ctx.field(
            keys[1],
            after,
            2,
            type_text(rtype),
            args!["type" => RecordType(rtype).to_string()],
        ),
        ctx.field(
            keys[2],
            after + 2,
            2,
            class.to_string(),
            args!["n" => i64::from(class)],
        ),
    ]
}

/// One question: its name, type and class, as a field with children, and
/// where the next entry starts.
fn question(ctx: &Ctx, msg: usize, at: usize, end: usize) -> Option<(Field, usize)> {
    let (text, after) = name_at(ctx, msg, at, end)?;
    if after + 4 > end {
        return None;
    }
    let qtype = ctx.u16_at(after);
    let mut q = ctx.field(
        "dns.question",
        at,
        after + 4 - at,
        format!("{text}. {}", RecordType(qtype)),
        args![],
    );
    q.children = name_type_class(
        ctx,
        ["dns.qname", "dns.qtype", "dns.qclass"],
        at,
        after,
        &text,
    );
    Some((q, after + 4))
}

/// One resource record of `section`, as a field with children, and where
/// the next one starts.
fn record(
    ctx: &Ctx,
    msg: usize,
    at: usize,
    end: usize,
    section: &'static str,
) -> Option<(Field, usize)> {
    let (text, after) = name_at(ctx, msg, at, end)?;
    if after + 10 > end {
        return None;
    }
    let rtype = ctx.u16_at(after);
    let ttl = ctx.u32_at(after + 4);
    let rdlength = usize::from(ctx.u16_at(after + 8));
    let data = after + 10;
    if data + rdlength > end {
        return None;
    }
    let rdata = match (rtype, &ctx.bytes[data..data + rdlength]) {
        (1, &[a, b, c, d]) => std::net::Ipv4Addr::new(a, b, c, d).to_string(),
        _ => ctx.bytes_text(rdlength),
    };
    let mut r = ctx.field(
        section,
        at,
        data + rdlength - at,
        format!("{text}. {} {rdata}", RecordType(rtype)),
        args![],
    );
    r.children = name_type_class(
        ctx,
        ["dns.rr.name", "dns.rr.type", "dns.rr.class"],
        at,
        after,
        &text,
    );
    r.children.push(ctx.field(
        "dns.rr.ttl",
        after + 4,
        4,
        ttl.to_string(),
        args!["n" => i64::from(ttl)],
    ));
    r.children.push(ctx.field(
        "dns.rr.rdlength",
        after + 8,
        2,
        rdlength.to_string(),
        args!["n" => rdlength as i64],
    ));
    if rdlength > 0 {
        r.children.push(ctx.field(
            "dns.rr.rdata",
            data,
            rdlength,
            rdata,
            args!["type" => RecordType(rtype).to_string()],
        ));
    }
    Some((r, data + rdlength))
}
