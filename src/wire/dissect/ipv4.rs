//! IPv4 (RFC 791 §3.1): the header field by field, its checksum checked,
//! each address's class and special meaning (RFC 1918, RFC 6890), and the
//! payload handed to ICMP, UDP or TCP unless it is a later fragment.

use std::net::Ipv4Addr;

use super::arp::ip_at;
use super::{args, expected_checksum, with_bits, Ctx, Field, Fields, Layer, Whole};

/// The shortest header: 20 bytes, IHL 5 (RFC 791 §3.1).
pub(crate) const MIN_LEN: usize = 20;

/// What the transport dissectors need from the IP header.
pub(crate) struct IpInfo {
    /// Source address, for the pseudo-header.
    pub src: Ipv4Addr,
    /// Destination address.
    pub dst: Ipv4Addr,
    /// Whether the whole datagram is here.
    pub whole: Whole,
}

/// What an IPv4 address is, beyond its class (RFC 6890's special-purpose
/// registry, which replaced RFC 5735).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum AddressNote {
    /// 0.0.0.0/8, "this network" (RFC 1122 §3.2.1.3): only as a source
    /// while a host does not know its address yet.
    ThisNetwork,
    /// 10/8, 172.16/12, 192.168/16: private (RFC 1918 §3), never routed
    /// on the Internet.
    Private,
    /// 100.64/10: shared address space for carrier-grade NAT (RFC 6598).
    Shared,
    /// 127/8: loopback (RFC 1122 §3.2.1.3), never leaves the host.
    Loopback,
    /// 169.254/16: link-local (RFC 3927), picked by a host that got no
    /// address.
    LinkLocal,
    /// 192.0.2/24, 198.51.100/24, 203.0.113/24: for documentation (RFC 5737).
    Documentation,
    /// 224/4, class D: multicast (RFC 1112).
    Multicast,
    /// 240/4, class E: reserved (RFC 1112 §4), not for use.
    Reserved,
    /// 255.255.255.255: limited broadcast (RFC 919, RFC 1122 §3.2.1.3).
    Broadcast,
}

impl AddressNote {
    /// The catalogue id of its sentence.
    fn id(self) -> &'static str {
        match self {
            AddressNote::ThisNetwork => "addr-note-this-network",
            AddressNote::Private => "addr-note-private",
            AddressNote::Shared => "addr-note-shared",
            AddressNote::Loopback => "addr-note-loopback",
            AddressNote::LinkLocal => "addr-note-link-local",
            AddressNote::Documentation => "addr-note-documentation",
            AddressNote::Multicast => "addr-note-multicast",
            AddressNote::Reserved => "addr-note-reserved",
            AddressNote::Broadcast => "addr-note-broadcast",
        }
    }
}

/// The classful class of an address, `'A'` to `'E'`, from its first bits
/// (RFC 791 §3.2; classes were replaced by CIDR, RFC 4632, but the seed
/// lessons still teach them).
pub fn address_class(addr: Ipv4Addr) -> char {
    match addr.octets()[0] {
        0..=127 => 'A',
        128..=191 => 'B',
        192..=223 => 'C',
        224..=239 => 'D',
        240..=255 => 'E',
    }
}

/// The special meanings of an address, if any (RFC 6890, RFC 1918).
pub fn address_notes(addr: Ipv4Addr) -> Vec<AddressNote> {
    let [a, b, c, _] = addr.octets();
    let mut notes = Vec::new();
    let note = match (a, b, c) {
        (0, _, _) => Some(AddressNote::ThisNetwork),
        (10, _, _) | (192, 168, _) => Some(AddressNote::Private),
        (172, 16..=31, _) => Some(AddressNote::Private),
        (100, 64..=127, _) => Some(AddressNote::Shared),
        (127, _, _) => Some(AddressNote::Loopback),
        (169, 254, _) => Some(AddressNote::LinkLocal),
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => Some(AddressNote::Documentation),
        (224..=239, _, _) => Some(AddressNote::Multicast),
        _ if addr.is_broadcast() => Some(AddressNote::Broadcast),
        (240..=255, _, _) => Some(AddressNote::Reserved),
        _ => None,
    };
    notes.extend(note);
    notes
}

/// The IPv4 layer from `start` (bytes up to `end`) and the layers it
/// carries, and where the packet ends (before any Ethernet padding).
pub(crate) fn dissect(ctx: &Ctx, start: usize, end: usize, whole: Whole) -> (Vec<Layer>, usize) {
    let got = end - start;
    let name = ctx.cat.plain("layer-ip");
    let mut fields = Fields::new(start, end);
    let b0 = ctx.u8_at(start);
    let version = b0 >> 4;
    let ihl = usize::from(b0 & 0x0f) * 4;
    fields.push(with_bits(
        ctx.field("ip.version", start, 1, version.to_string(), args![]),
        0,
        4,
    ));
    let malformed = |fields: Fields, reason: &str, at: usize| {
        let summary = ctx.text(
            "summary-malformed",
            &args!["layer" => name.clone(), "reason" => ctx.cat.plain(reason), "offset" => at as i64],
        );
        let mut list = fields.list;
        list.extend(ctx.data_field("data", fields.reach, end));
        let layer = Layer {
            key: "ip",
            name: name.clone(),
            offset: start,
            len: got,
            summary,
            fields: list,
        };
        (vec![layer], end)
    };
    if version != 4 {
        return malformed(fields, "reason-ip-version", start);
    }
    fields.push(with_bits(
        ctx.field(
            "ip.ihl",
            start,
            1,
            format!("{} ({})", b0 & 0x0f, ctx.bytes_text(ihl)),
            args!["len" => ihl as i64],
        ),
        4,
        4,
    ));
    if ihl < MIN_LEN {
        return malformed(fields, "reason-ip-ihl", start);
    }
    // A header cut short still shows the fields that fit, below.
    let tos = ctx.u8_at(start + 1);
    let mut tos_field = ctx.field("ip.tos", start + 1, 1, format!("0x{tos:02x}"), args![]);
    let dscp = tos >> 2;
    tos_field.children.push(with_bits(
        ctx.field(
            "ip.dscp",
            start + 1,
            1,
            dscp.to_string(),
            args!["dscp" => i64::from(dscp)],
        ),
        0,
        6,
    ));
    let ecn = tos & 3;
    tos_field.children.push(with_bits(
        ctx.field(
            "ip.ecn",
            start + 1,
            1,
            ecn.to_string(),
            args!["ecn" => i64::from(ecn)],
        ),
        6,
        2,
    ));
    fields.push(tos_field);

    let total = usize::from(ctx.u16_at(start + 2));
    let len_status = if total < ihl {
        "short"
    } else if total > got {
        "beyond"
    } else {
        "ok"
    };
    fields.push(ctx.field(
        "ip.len",
        start + 2,
        2,
        total.to_string(),
        args!["status" => len_status, "got" => got as i64, "header" => ihl as i64],
    ));
    let id = ctx.u16_at(start + 4);
    fields.push(ctx.field("ip.id", start + 4, 2, format!("{id} (0x{id:04x})"), args![]));

    let word = ctx.u16_at(start + 6);
    let (rb, df, mf) = (word & 0x8000 != 0, word & 0x4000 != 0, word & 0x2000 != 0);
    let frag = word & 0x1fff;
    let mut flags = with_bits(
        ctx.field(
            "ip.flags",
            start + 6,
            1,
            format!("0x{:x}", word >> 13),
            args![],
        ),
        0,
        3,
    );
    for (key, bit, set) in [
        ("ip.flags.rb", 0, rb),
        ("ip.flags.df", 1, df),
        ("ip.flags.mf", 2, mf),
    ] {
        let yes = if set { "yes" } else { "no" };
        flags.children.push(with_bits(
            ctx.field(
                key,
                start + 6,
                1,
                u8::from(set).to_string(),
                args!["set" => yes],
            ),
            bit,
            1,
        ));
    }
    fields.push(flags);
    fields.push(with_bits(
        ctx.field(
            "ip.frag",
            start + 6,
            2,
            format!("{frag} (× 8 = {})", ctx.bytes_text(usize::from(frag) * 8)),
            args!["bytes" => i64::from(frag) * 8],
        ),
        3,
        13,
    ));
    let ttl = ctx.u8_at(start + 8);
    fields.push(ctx.field(
        "ip.ttl",
        start + 8,
        1,
        ttl.to_string(),
        args!["ttl" => i64::from(ttl)],
    ));
    let proto = ctx.u8_at(start + 9);
    let proto_name = protocol_name(proto);
    fields.push(ctx.field(
        "ip.proto",
        start + 9,
        1,
        format!("{proto} ({proto_name})"),
        args!["name" => proto_name],
    ));
    let src = ip_at(ctx, start + 12);
    let dst = ip_at(ctx, start + 16);

    let header_complete = got >= ihl;
    let stored = ctx.u16_at(start + 10);
    let expected =
        header_complete.then(|| expected_checksum(0, &ctx.bytes[start..start + ihl], 10));
    let (value, cargs) = ctx.checksum_value(stored, expected);
    let checksum_wrong = expected.is_some_and(|e| e != stored);
    fields.push(ctx.field("ip.checksum", start + 10, 2, value, cargs));
    fields.push(address(ctx, "ip.src", start + 12, src));
    fields.push(address(ctx, "ip.dst", start + 16, dst));
    if !header_complete {
        return truncated(ctx, fields, &name, start, got, ihl, end);
    }
    if ihl > MIN_LEN {
        fields.push(options(ctx, start + MIN_LEN, start + ihl));
    }

    let pay_start = start + ihl;
    let pay_end = if len_status == "ok" {
        start + total
    } else {
        end
    };
    let mut notes = Vec::new();
    if checksum_wrong {
        notes.push(ctx.text("summary-note-bad-checksum", &args![]));
    }
    match len_status {
        // An ICMP error quotes only the header and 8 bytes (RFC 792).
        "beyond" if whole != Whole::Quoted => notes.push(ctx.text(
            "summary-note-cut",
            &args!["total" => total as i64, "got" => got as i64],
        )),
        "short" => notes.push(ctx.text("summary-note-short", &args!["total" => total as i64])),
        _ => {}
    }
    if mf || frag != 0 {
        notes.push(ctx.text(
            "summary-note-fragment",
            &args!["offset" => i64::from(frag) * 8, "more" => if mf { "yes" } else { "no" }],
        ));
    }
    let summary = ctx.text(
        "summary-ip",
        &args![
            "src" => src.to_string(),
            "dst" => dst.to_string(),
            "ttl" => i64::from(ttl),
            "proto" => proto_name,
            "notes" => notes.join(" "),
        ],
    );
    let mut layers = vec![Layer {
        key: "ip",
        name,
        offset: start,
        len: ihl,
        summary,
        fields: fields.list,
    }];
    let info = IpInfo {
        src,
        dst,
        whole: if whole == Whole::Yes && (mf || len_status == "beyond") {
            Whole::Fragment
        } else {
            whole
        },
    };
    if pay_start < pay_end {
        if frag != 0 {
            layers.push(ctx.data_layer("ip.fragment", pay_start, pay_end));
        } else {
            let mut inner = match proto {
                1 => super::icmp::dissect(ctx, pay_start, pay_end, &info),
                6 => super::tcp::dissect(ctx, pay_start, pay_end, &info),
                17 => super::udp::dissect(ctx, pay_start, pay_end, &info),
                _ => vec![ctx.data_layer("data", pay_start, pay_end)],
            };
            layers.append(&mut inner);
        }
    }
    (layers, pay_end)
}

/// The layer for a header cut short, with the fields that fit.
fn truncated(
    ctx: &Ctx,
    fields: Fields,
    name: &str,
    start: usize,
    got: usize,
    need: usize,
    end: usize,
) -> (Vec<Layer>, usize) {
    let summary = ctx.truncated_summary(name, start, got, need);
    let mut list = fields.list;
    list.extend(ctx.data_field("data", fields.reach, end));
    let layer = Layer {
        key: "ip",
        name: name.to_string(),
        offset: start,
        len: got,
        summary,
        fields: list,
    };
    (vec![layer], end)
}

/// The name of an IP protocol number (IANA's registry).
fn protocol_name(proto: u8) -> &'static str {
    match proto {
        1 => "ICMP",
        2 => "IGMP",
        4 => "IP-in-IP",
        6 => "TCP",
        17 => "UDP",
        41 => "IPv6",
        47 => "GRE",
        50 => "ESP",
        89 => "OSPF",
        132 => "SCTP",
        _ => "?",
    }
}

/// An address field whose meaning names its class and special meaning.
fn address(ctx: &Ctx, key: &'static str, at: usize, addr: Ipv4Addr) -> Field {
    let class = address_class(addr).to_string();
    let class_text = ctx.text("addr-class", &args!["class" => class.clone()]);
    let notes: Vec<String> = address_notes(addr)
        .into_iter()
        .map(|n| ctx.cat.plain(n.id()))
        .collect();
    ctx.field(
        key,
        at,
        4,
        addr.to_string(),
        args!["class" => class_text, "notes" => notes.join(" ")],
    )
}

/// The options area `start..end` with one child per option (RFC 791 §3.1,
/// "Options").
fn options(ctx: &Ctx, start: usize, end: usize) -> Field {
    let mut field = ctx.field(
        "ip.options",
        start,
        end - start,
        ctx.bytes_text(end - start),
        args!["len" => (end - start) as i64],
    );
    let mut at = start;
    while at < end {
        let kind = ctx.u8_at(at);
        let len = match kind {
            0 | 1 => 1,
            _ => usize::from(ctx.u8_at(at + 1)),
        };
        // A length that is too small or runs past the header: the rest is
        // one bad option.
        let len = if (kind > 1 && len < 2) || at + len > end {
            end - at
        } else {
            len
        };
        let name = match kind {
            0 => "EOL",
            1 => "NOP",
            7 => "Record Route",
            68 => "Timestamp",
            130 => "Security",
            131 => "Loose Source Route",
            137 => "Strict Source Route",
            148 => "Router Alert",
            _ => "?",
        };
        field.children.push(ctx.field(
            "ip.opt",
            at,
            len,
            format!("{kind} ({name}), {}", ctx.bytes_text(len)),
            args!["kind" => i64::from(kind)],
        ));
        if kind == 0 {
            // End of option list: the rest is padding.
            break;
        }
        at += len;
    }
    field
}
