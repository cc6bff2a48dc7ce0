//! One-line, tcpdump-like decoding of a whole Ethernet frame, for the trace.
//!
//! ```text
//! 02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff ARP who-has 192.168.1.1 tell 192.168.1.2, length 60
//! 02:00:00:00:00:01 > 02:00:00:00:00:03 IP 192.168.1.2 > 192.168.2.2 ttl 64 id 1 DF: ICMP echo request id 1 seq 1 len 56, length 98
//! 02:00:00:00:00:01 > 02:00:00:00:00:03 IP 192.168.1.2 > 192.168.2.2 ttl 64 id 1 DF: TCP 49152 > 8998 [S] seq 1000 win 64240 <mss 1460> len 0, length 60
//! ```
//!
//! TCP reads as tcpdump prints it, with absolute sequence numbers: the flags
//! as letters (`S` SYN, `F` FIN, `R` RST, `P` PSH, `.` ACK, `U` URG, in
//! tcpdump's order, so a SYN-ACK is `[S.]`), `ack` only when ACK is set,
//! `urg` only when URG is set, the options in `<...>` only when there are
//! any, and `len`, the bytes of data.
//!
//! Any bytes at all can be described: what cannot be decoded is named in
//! brackets (`[bad IPv4 checksum]`, `IP [malformed IPv4: version is not 4]`)
//! instead of a panic.

use std::fmt::{self, Write};
use std::net::Ipv4Addr;

use super::arp::{ArpOperation, ArpRepr};
use super::ethernet::{EtherType, EthernetFrame};
use super::icmp::{DstUnreachable, IcmpPacket, IcmpRepr};
use super::ipv4::{IpProtocol, Ipv4Packet};
use super::tcp::{write_flag_letters, TcpOption, TcpPacket};
use super::WireError;
use super::{dhcp, dns};

/// The one-line description of `frame` (see the module documentation).
pub fn describe_frame(frame: &[u8]) -> String {
    let mut out = String::with_capacity(128);
    describe_frame_into(frame, &mut out);
    out
}

/// Appends the one-line description of `frame` to `out`, so that a trace
/// sink can reuse one `String`.
pub fn describe_frame_into(frame: &[u8], out: &mut String) {
    // Writing to a String cannot fail.
    let _ = write_frame(frame, out);
}

/// The one-line description of an IPv4 packet without its Ethernet header,
/// as it stands in a frame's description: `IP 10.0.0.1 > 10.0.0.2 ttl 64 …`.
pub fn describe_ipv4(packet: &[u8]) -> String {
    let mut out = String::with_capacity(96);
    let _ = write_ipv4(packet, &mut out);
    out
}

fn write_frame(frame: &[u8], out: &mut String) -> fmt::Result {
    match EthernetFrame::new_checked(frame) {
        Err(err) => write!(out, "[{err}]")?,
        Ok(eth) => {
            write!(out, "{} > {} ", eth.src_addr(), eth.dst_addr())?;
            match eth.ethertype() {
                EtherType::ARP => write_arp(eth.payload(), out)?,
                EtherType::IPV4 => write_ipv4(eth.payload(), out)?,
                other => write!(out, "ethertype {other}")?,
            }
        }
    }
    write!(out, ", length {}", frame.len())
}

fn write_arp(bytes: &[u8], out: &mut String) -> fmt::Result {
    match ArpRepr::parse(bytes) {
        Err(err) => write!(out, "ARP [{err}]"),
        Ok(arp) if arp.operation == ArpOperation::Request => {
            write!(out, "ARP who-has {} tell {}", arp.target_ip, arp.sender_ip)
        }
        Ok(arp) => write!(out, "ARP reply {} is-at {}", arp.sender_ip, arp.sender_mac),
    }
}

fn write_ipv4(bytes: &[u8], out: &mut String) -> fmt::Result {
    let ip = match Ipv4Packet::new_checked(bytes) {
        Err(err) => return write!(out, "IP [{err}]"),
        Ok(ip) => ip,
    };
    write!(
        out,
        "IP {} > {} ttl {} id {}",
        ip.src_addr(),
        ip.dst_addr(),
        ip.ttl(),
        ip.ident()
    )?;
    if ip.dont_frag() {
        out.push_str(" DF");
    }
    let payload = ip.payload();
    let fragment = ip.more_frags() || ip.frag_offset() > 0;
    if fragment {
        write!(out, " frag {}:{}", ip.frag_offset(), payload.len())?;
        if ip.more_frags() {
            out.push('+');
        }
    }
    out.push_str(": ");
    if ip.frag_offset() > 0 {
        out.push_str("fragment");
    } else {
        match ip.protocol() {
            // A first fragment's ICMP checksum covers bytes not here yet.
            IpProtocol::ICMP => write_icmp(payload, !fragment, out)?,
            IpProtocol::UDP => write_udp(payload, out)?,
            // Likewise a first fragment's TCP checksum.
            IpProtocol::TCP => {
                let addrs = (!fragment).then(|| (ip.src_addr(), ip.dst_addr()));
                write_tcp(payload, addrs, out)?;
            }
            other => write!(out, "{other} len {}", payload.len())?,
        }
    }
    if !ip.verify_checksum() {
        out.push_str(" [bad IPv4 checksum]");
    }
    Ok(())
}

fn write_icmp(bytes: &[u8], check: bool, out: &mut String) -> fmt::Result {
    let icmp = match IcmpRepr::parse_unverified(bytes) {
        Err(err) => return write!(out, "ICMP [{err}]"),
        Ok(icmp) => icmp,
    };
    match icmp {
        IcmpRepr::EchoRequest {
            ident,
            seq_no,
            data,
        } => write!(
            out,
            "ICMP echo request id {ident} seq {seq_no} len {}",
            data.len()
        )?,
        IcmpRepr::EchoReply {
            ident,
            seq_no,
            data,
        } => write!(
            out,
            "ICMP echo reply id {ident} seq {seq_no} len {}",
            data.len()
        )?,
        IcmpRepr::DstUnreachable {
            reason, invoking, ..
        } => {
            write!(out, "ICMP {reason}")?;
            write_invoking(invoking, reason == DstUnreachable::PortUnreachable, out)?;
        }
        IcmpRepr::TimeExceeded { reason, invoking } => {
            write!(out, "ICMP {reason}")?;
            write_invoking(invoking, false, out)?;
        }
        IcmpRepr::Other { msg_type, code, .. } => write!(out, "ICMP type {msg_type} code {code}")?,
    }
    if check && !IcmpPacket::new_unchecked(bytes).verify_checksum() {
        out.push_str(" [bad ICMP checksum]");
    }
    Ok(())
}

/// ` for {src} > {dst} {protocol}` from a quoted datagram, whose Total
/// Length usually exceeds the bytes quoted, so it is read field by field.
fn write_invoking(invoking: &[u8], with_port: bool, out: &mut String) -> fmt::Result {
    let (Some(header), Some(&first)) = (invoking.get(..20), invoking.first()) else {
        return Ok(());
    };
    let addr =
        |at: usize| Ipv4Addr::new(header[at], header[at + 1], header[at + 2], header[at + 3]);
    write!(
        out,
        " for {} > {} {}",
        addr(12),
        addr(16),
        IpProtocol(header[9])
    )?;
    let header_len = usize::from(first & 0x0f) * 4;
    if with_port {
        if let Some(&[hi, lo]) = invoking.get(header_len + 2..header_len + 4) {
            write!(out, " port {}", u16::from_be_bytes([hi, lo]))?;
        }
    }
    Ok(())
}

fn ports(bytes: &[u8]) -> (u16, u16) {
    match *bytes {
        [a, b, c, d, ..] => (u16::from_be_bytes([a, b]), u16::from_be_bytes([c, d])),
        _ => (0, 0),
    }
}

fn write_udp(bytes: &[u8], out: &mut String) -> fmt::Result {
    let (sport, dport) = ports(bytes);
    match *bytes {
        [_, _, _, _, hi, lo, _, _, ..] => match u16::from_be_bytes([hi, lo]).checked_sub(8) {
            Some(len) => {
                write!(out, "UDP {sport} > {dport} len {len}")?;
                let payload = bytes.get(8..8 + usize::from(len)).unwrap_or_default();
                write_udp_service(sport, dport, payload, out)
            }
            None => write!(out, "UDP {sport} > {dport} [malformed UDP: length below 8]"),
        },
        _ => write!(out, "UDP [{}]", short("UDP", 8, bytes.len())),
    }
}

/// The application message in a datagram, for the services simnet speaks
/// on their well-known ports: DNS (53) and DHCP (67 and 68).
fn write_udp_service(sport: u16, dport: u16, payload: &[u8], out: &mut String) -> fmt::Result {
    let ports = [sport, dport];
    if ports.contains(&dns::PORT) {
        out.push_str(": ");
        dns::describe(payload, out);
    } else if ports.contains(&dhcp::SERVER_PORT) && ports.contains(&dhcp::CLIENT_PORT) {
        out.push_str(": ");
        dhcp::describe(payload, out);
    }
    Ok(())
}

/// A segment as tcpdump prints it (see the module documentation); its
/// checksum is verified when `addrs`, the source and destination of the
/// pseudo-header, are given.
fn write_tcp(bytes: &[u8], addrs: Option<(Ipv4Addr, Ipv4Addr)>, out: &mut String) -> fmt::Result {
    if bytes.len() < 20 {
        return write!(out, "TCP [{}]", short("TCP", 20, bytes.len()));
    }
    let (sport, dport) = ports(bytes);
    write!(out, "TCP {sport} > {dport}")?;
    let tcp = match TcpPacket::new_checked(bytes) {
        Err(err) => return write!(out, " [{err}]"),
        Ok(tcp) => tcp,
    };
    let flags = tcp.flags();
    out.push_str(" [");
    write_flag_letters(tcp.flag_bits(), out)?;
    write!(out, "] seq {}", tcp.seq_number())?;
    if flags.ack {
        write!(out, " ack {}", tcp.ack_number())?;
    }
    write!(out, " win {}", tcp.window())?;
    if flags.urg {
        write!(out, " urg {}", tcp.urgent_pointer())?;
    }
    if !tcp.options().is_empty() {
        out.push_str(" <");
        for (i, option) in tcp.options_iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_tcp_option(option, out)?;
        }
        out.push('>');
    }
    write!(out, " len {}", tcp.payload().len())?;
    if let Some((src, dst)) = addrs {
        if !tcp.verify_checksum(src, dst) {
            out.push_str(" [bad TCP checksum]");
        }
    }
    Ok(())
}

/// One option, named as tcpdump names it: `mss 1460`, `nop`, `eol`,
/// `wscale 7`, `sackOK`, `TS val 1 ecr 2`, `sack 2 {1001:2449}{3897:5345}`
/// or `unknown-253 0x0102`.
fn write_tcp_option(option: super::Result<TcpOption<'_>>, out: &mut String) -> fmt::Result {
    match option {
        Err(err) => write!(out, "[{err}]"),
        Ok(TcpOption::End) => out.write_str("eol"),
        Ok(TcpOption::Nop) => out.write_str("nop"),
        Ok(TcpOption::Mss(mss)) => write!(out, "mss {mss}"),
        Ok(TcpOption::WindowScale(shift)) => write!(out, "wscale {shift}"),
        Ok(TcpOption::SackPermitted) => out.write_str("sackOK"),
        Ok(TcpOption::Sack(blocks)) => {
            write!(out, "sack {} ", blocks.len())?;
            for (left, right) in blocks.as_slice() {
                write!(out, "{{{left}:{right}}}")?;
            }
            Ok(())
        }
        Ok(TcpOption::Timestamp(ts)) => write!(out, "TS val {} ecr {}", ts.val, ts.ecr),
        Ok(TcpOption::Unknown { kind, data }) => {
            write!(out, "unknown-{kind}")?;
            if !data.is_empty() {
                out.push_str(" 0x");
                for byte in data {
                    write!(out, "{byte:02x}")?;
                }
            }
            Ok(())
        }
    }
}

fn short(layer: &'static str, needed: usize, got: usize) -> WireError {
    WireError::Truncated { layer, needed, got }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::ethernet::{build_frame, EthernetRepr};
    use crate::wire::icmp::{invoking_len, TimeExceeded};
    use crate::wire::{Ipv4Repr, MacAddr, TcpFlags, TcpRepr};

    const A: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 2);
    const B: Ipv4Addr = Ipv4Addr::new(192, 168, 2, 2);

    fn eth(ethertype: EtherType, dst: MacAddr) -> EthernetRepr {
        EthernetRepr {
            src: MacAddr::local(1),
            dst,
            ethertype,
        }
    }

    fn ip(protocol: IpProtocol, payload_len: usize) -> Ipv4Repr {
        Ipv4Repr {
            src: A,
            dst: B,
            protocol,
            ttl: 64,
            ident: 1,
            dont_frag: true,
            more_frags: false,
            frag_offset: 0,
            tos: 0,
            payload_len,
        }
    }

    fn ip_frame(repr: Ipv4Repr, payload: &[u8]) -> Vec<u8> {
        let mut buf = Vec::new();
        let eth = eth(EtherType::IPV4, MacAddr::local(3));
        build_frame(&mut buf, &eth, repr.total_len(), |p| {
            repr.emit(p);
            p[20..].copy_from_slice(payload);
        });
        buf
    }

    fn icmp_frame(icmp: IcmpRepr<'_>) -> Vec<u8> {
        let mut bytes = vec![0; icmp.buffer_len()];
        icmp.emit(&mut bytes);
        ip_frame(ip(IpProtocol::ICMP, bytes.len()), &bytes)
    }

    /// `tcp` with `data`, from `src` to `dst` (the other of A and B).
    fn tcp_frame(src: Ipv4Addr, tcp: &TcpRepr, data: &[u8]) -> Vec<u8> {
        let dst = if src == A { B } else { A };
        let mut bytes = vec![0; tcp.buffer_len()];
        bytes[tcp.header_len()..].copy_from_slice(data);
        tcp.emit(&mut bytes, src, dst);
        let repr = Ipv4Repr {
            src,
            dst,
            ..ip(IpProtocol::TCP, bytes.len())
        };
        ip_frame(repr, &bytes)
    }

    fn flags(letters: &str) -> TcpFlags {
        TcpFlags {
            fin: letters.contains('F'),
            syn: letters.contains('S'),
            rst: letters.contains('R'),
            psh: letters.contains('P'),
            ack: letters.contains('.'),
            urg: letters.contains('U'),
        }
    }

    fn syn() -> TcpRepr {
        TcpRepr {
            src_port: 49152,
            dst_port: 8998,
            seq: 1000,
            ack: 0,
            flags: flags("S"),
            window: 64240,
            mss: Some(1460),
            payload_len: 0,
            ..TcpRepr::default()
        }
    }

    fn arp_frame(operation: ArpOperation) -> Vec<u8> {
        let arp = ArpRepr {
            operation,
            sender_mac: MacAddr::local(1),
            sender_ip: A,
            target_mac: MacAddr::ZERO,
            target_ip: Ipv4Addr::new(192, 168, 1, 1),
        };
        let mut buf = Vec::new();
        build_frame(
            &mut buf,
            &eth(EtherType::ARP, MacAddr::BROADCAST),
            28,
            |p| arp.emit(p),
        );
        buf
    }

    /// A UDP datagram B:40000 > A:33434 with 4 bytes of data, as an ICMP error quotes it.
    fn quoted_udp() -> Vec<u8> {
        let mut datagram = vec![0; 32];
        ip(IpProtocol::UDP, 12).emit(&mut datagram);
        datagram[20..28].copy_from_slice(&[0x9c, 0x40, 0x82, 0x9a, 0x00, 0x0c, 0x00, 0x00]);
        datagram.truncate(invoking_len(&datagram));
        datagram
    }

    #[test]
    fn arp() {
        assert_eq!(
            describe_frame(&arp_frame(ArpOperation::Request)),
            "02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff ARP who-has 192.168.1.1 tell 192.168.1.2, length 60"
        );
        assert_eq!(
            describe_frame(&arp_frame(ArpOperation::Reply)),
            "02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff ARP reply 192.168.1.2 is-at 02:00:00:00:00:01, length 60"
        );
        let mut bad = arp_frame(ArpOperation::Request);
        bad[21] = 9;
        assert!(describe_frame(&bad).ends_with(
            " ARP [malformed ARP: operation is neither request (1) nor reply (2)], length 60"
        ));
    }

    #[test]
    fn echo() {
        let data = [0x5a; 56];
        let frame = icmp_frame(IcmpRepr::EchoRequest {
            ident: 1,
            seq_no: 1,
            data: &data,
        });
        assert_eq!(
            describe_frame(&frame),
            "02:00:00:00:00:01 > 02:00:00:00:00:03 IP 192.168.1.2 > 192.168.2.2 ttl 64 id 1 DF: \
             ICMP echo request id 1 seq 1 len 56, length 98"
        );
        let mut out = String::from(">");
        let reply = icmp_frame(IcmpRepr::EchoReply {
            ident: 1,
            seq_no: 2,
            data: &[],
        });
        describe_frame_into(&reply, &mut out);
        assert!(out.starts_with(">02:00:00:00:00:01"), "{out}");
        assert!(
            out.ends_with(": ICMP echo reply id 1 seq 2 len 0, length 60"),
            "{out}"
        );
    }

    #[test]
    fn icmp_errors() {
        let quoted = quoted_udp();
        let host = icmp_frame(IcmpRepr::DstUnreachable {
            reason: DstUnreachable::HostUnreachable,
            next_hop_mtu: 0,
            invoking: &quoted,
        });
        assert!(describe_frame(&host)
            .ends_with(": ICMP host unreachable for 192.168.1.2 > 192.168.2.2 UDP, length 70"));
        let port = icmp_frame(IcmpRepr::DstUnreachable {
            reason: DstUnreachable::PortUnreachable,
            next_hop_mtu: 0,
            invoking: &quoted,
        });
        assert!(describe_frame(&port).ends_with(
            ": ICMP port unreachable for 192.168.1.2 > 192.168.2.2 UDP port 33434, length 70"
        ));
        let ttl = icmp_frame(IcmpRepr::TimeExceeded {
            reason: TimeExceeded::TtlExceeded,
            invoking: &quoted[..20],
        });
        assert!(describe_frame(&ttl).ends_with(
            ": ICMP time to live exceeded for 192.168.1.2 > 192.168.2.2 UDP, length 62"
        ));
        let short = icmp_frame(IcmpRepr::TimeExceeded {
            reason: TimeExceeded::FragReassembly,
            invoking: &quoted[..19],
        });
        assert!(
            describe_frame(&short).ends_with(": ICMP fragment reassembly time exceeded, length 61")
        );
        let other = icmp_frame(IcmpRepr::Other {
            msg_type: 13,
            code: 0,
            rest: &[0; 16],
        });
        assert!(describe_frame(&other).ends_with(": ICMP type 13 code 0, length 60"));
    }

    #[test]
    fn fragments() {
        let first = Ipv4Repr {
            dont_frag: false,
            more_frags: true,
            payload_len: 1480,
            ..ip(IpProtocol::ICMP, 0)
        };
        let mut icmp = vec![0; 1480];
        IcmpRepr::EchoRequest {
            ident: 1,
            seq_no: 1,
            data: &[7; 1472],
        }
        .emit(&mut icmp);
        let text = describe_frame(&ip_frame(first, &icmp));
        assert!(
            text.ends_with(
                " id 1 frag 0:1480+: ICMP echo request id 1 seq 1 len 1472, length 1514"
            ),
            "{text}"
        );
        let middle = Ipv4Repr {
            frag_offset: 1480,
            ..first
        };
        let text = describe_frame(&ip_frame(middle, &[0; 1480]));
        assert!(
            text.ends_with(" id 1 frag 1480:1480+: fragment, length 1514"),
            "{text}"
        );
        let last = Ipv4Repr {
            more_frags: false,
            frag_offset: 2960,
            payload_len: 48,
            ..first
        };
        let text = describe_frame(&ip_frame(last, &[0; 48]));
        assert!(
            text.ends_with(" id 1 frag 2960:48: fragment, length 82"),
            "{text}"
        );
    }

    #[test]
    fn transports_and_other_ethertypes() {
        let udp = [
            0x9c, 0x40, 0x00, 0x35, 0x00, 0x0d, 0x00, 0x00, 1, 2, 3, 4, 5,
        ];
        let text = describe_frame(&ip_frame(ip(IpProtocol::UDP, 13), &udp));
        assert!(
            text.ends_with(
                ": UDP 40000 > 53 len 5: DNS [DNS truncated: needs 12 bytes, got 5], length 60"
            ),
            "{text}"
        );
        let text = describe_frame(&ip_frame(ip(IpProtocol::TCP, 3), &[0; 3]));
        assert!(text.ends_with(": TCP [TCP truncated: needs 20 bytes, got 3], length 60"));
        let text = describe_frame(&ip_frame(ip(IpProtocol(47), 10), &[0; 10]));
        assert!(text.ends_with(": proto 47 len 10, length 60"), "{text}");
        let mut v6 = ip_frame(ip(IpProtocol::UDP, 0), &[]);
        v6[12..14].copy_from_slice(&[0x86, 0xdd]);
        assert_eq!(
            describe_frame(&v6),
            "02:00:00:00:00:01 > 02:00:00:00:00:03 ethertype 0x86dd, length 60"
        );
    }

    #[test]
    fn tcp_handshake_data_and_close() {
        let prefix = "02:00:00:00:00:01 > 02:00:00:00:00:03 IP ";
        let a_to_b = "192.168.1.2 > 192.168.2.2 ttl 64 id 1 DF: ";
        let b_to_a = "192.168.2.2 > 192.168.1.2 ttl 64 id 1 DF: ";
        assert_eq!(
            describe_frame(&tcp_frame(A, &syn(), &[])),
            format!(
                "{prefix}{a_to_b}TCP 49152 > 8998 [S] seq 1000 win 64240 <mss 1460> len 0, \
                 length 60"
            )
        );
        let syn_ack = TcpRepr {
            src_port: 8998,
            dst_port: 49152,
            seq: 4_000_000_000,
            ack: 1001,
            flags: flags("S."),
            window: 65535,
            mss: Some(1460),
            payload_len: 0,
            ..TcpRepr::default()
        };
        assert_eq!(
            describe_frame(&tcp_frame(B, &syn_ack, &[])),
            format!(
                "{prefix}{b_to_a}TCP 8998 > 49152 [S.] seq 4000000000 ack 1001 win 65535 \
                 <mss 1460> len 0, length 60"
            )
        );
        let data = TcpRepr {
            seq: 1001,
            ack: 4_000_000_001,
            flags: flags("P."),
            mss: None,
            payload_len: 100,
            ..syn()
        };
        assert_eq!(
            describe_frame(&tcp_frame(A, &data, &[b'x'; 100])),
            format!(
                "{prefix}{a_to_b}TCP 49152 > 8998 [P.] seq 1001 ack 4000000001 win 64240 \
                 len 100, length 154"
            )
        );
        let ack = TcpRepr {
            flags: flags("."),
            payload_len: 0,
            ..data
        };
        assert_eq!(
            describe_frame(&tcp_frame(A, &ack, &[])),
            format!(
                "{prefix}{a_to_b}TCP 49152 > 8998 [.] seq 1001 ack 4000000001 win 64240 len 0, \
                 length 60"
            )
        );
        let fin_ack = TcpRepr {
            seq: 1101,
            flags: flags("F."),
            payload_len: 0,
            ..data
        };
        assert_eq!(
            describe_frame(&tcp_frame(A, &fin_ack, &[])),
            format!(
                "{prefix}{a_to_b}TCP 49152 > 8998 [F.] seq 1101 ack 4000000001 win 64240 len 0, \
                 length 60"
            )
        );
        let rst = TcpRepr {
            src_port: 8998,
            dst_port: 49152,
            seq: 0,
            ack: 0,
            flags: flags("R"),
            window: 0,
            mss: None,
            payload_len: 0,
            ..TcpRepr::default()
        };
        assert_eq!(
            describe_frame(&tcp_frame(B, &rst, &[])),
            format!("{prefix}{b_to_a}TCP 8998 > 49152 [R] seq 0 win 0 len 0, length 60")
        );
        let rst_ack = TcpRepr {
            ack: 1001,
            flags: flags("R."),
            ..rst
        };
        assert!(describe_frame(&tcp_frame(B, &rst_ack, &[]))
            .ends_with(": TCP 8998 > 49152 [R.] seq 0 ack 1001 win 0 len 0, length 60"));
        let urgent = TcpRepr {
            flags: flags("U"),
            ..rst
        };
        let mut frame = tcp_frame(B, &urgent, &[]);
        frame[14 + 20 + 19] = 7;
        let text = describe_frame(&frame);
        assert!(
            text.ends_with(
                ": TCP 8998 > 49152 [U] seq 0 win 0 urg 7 len 0 [bad TCP checksum], length 60"
            ),
            "{text}"
        );
    }

    /// A SYN from A with `options` instead of the MSS option, checksum fixed.
    fn syn_with_options(options: &[u8]) -> Vec<u8> {
        let repr = TcpRepr {
            mss: None,
            payload_len: options.len(),
            ..syn()
        };
        let mut frame = tcp_frame(A, &repr, options);
        let segment = &mut frame[34..34 + repr.buffer_len()];
        segment[12] = u8::try_from((20 + options.len()) / 4 * 16).unwrap();
        TcpPacket::new_unchecked(segment).fill_checksum(A, B);
        frame
    }

    #[test]
    fn tcp_options_and_bad_segments() {
        let text = describe_frame(&syn_with_options(&[
            2, 4, 5, 0xb4, 1, 3, 3, 7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 0xfd, 4, 1, 2, 0, 0, 0,
            0,
        ]));
        assert!(
            text.ends_with(
                ": TCP 49152 > 8998 [S] seq 1000 win 64240 <mss 1460,nop,wscale 7,sackOK,\
                 TS val 1 ecr 2,unknown-253 0x0102,eol> len 0, length 82"
            ),
            "{text}"
        );
        let text = describe_frame(&syn_with_options(&[1, 1, 3, 0]));
        assert!(
            text.ends_with(
                ": TCP 49152 > 8998 [S] seq 1000 win 64240 \
                 <nop,nop,[malformed TCP: option length is below 2]> len 0, length 60"
            ),
            "{text}"
        );
        let good = tcp_frame(A, &syn(), &[]);
        let mut bad = good.clone();
        bad[14 + 20 + 4] ^= 0x10; // seq, checksum unchanged
        let text = describe_frame(&bad);
        assert!(
            text.ends_with(
                ": TCP 49152 > 8998 [S] seq 268436456 win 64240 <mss 1460> len 0 \
                 [bad TCP checksum], length 60"
            ),
            "{text}"
        );
        let mut offset_4 = good.clone();
        offset_4[14 + 20 + 12] = 0x40;
        assert!(describe_frame(&offset_4).ends_with(
            ": TCP 49152 > 8998 [malformed TCP: data offset is below 5 words], length 60"
        ));
        let mut offset_15 = good.clone();
        offset_15[14 + 20 + 12] = 0xf0;
        assert!(describe_frame(&offset_15)
            .ends_with(": TCP 49152 > 8998 [TCP truncated: needs 60 bytes, got 24], length 60"));
        // ECE and CWR show as tcpdump's E and W; no bits at all as "none".
        let mut ecn = good.clone();
        ecn[14 + 20 + 13] = 0xc2;
        assert!(describe_frame(&ecn).contains(": TCP 49152 > 8998 [SEW] seq 1000 "));
        let mut none = good;
        none[14 + 20 + 13] = 0;
        assert!(describe_frame(&none).contains(": TCP 49152 > 8998 [none] seq 1000 "));
    }

    #[test]
    fn tcp_in_fragments() {
        // A 2000-byte segment in two fragments: the first shows the header
        // (its checksum cannot be checked yet), the second is a fragment.
        let data = TcpRepr {
            flags: flags("P."),
            mss: None,
            payload_len: 1980,
            ..syn()
        };
        let mut segment = vec![0x33; data.buffer_len()];
        data.emit(&mut segment, A, B);
        let first = Ipv4Repr {
            dont_frag: false,
            more_frags: true,
            ..ip(IpProtocol::TCP, 1480)
        };
        let text = describe_frame(&ip_frame(first, &segment[..1480]));
        assert!(
            text.ends_with(
                " id 1 frag 0:1480+: TCP 49152 > 8998 [P.] seq 1000 ack 0 win 64240 len 1460, \
                 length 1514"
            ),
            "{text}"
        );
        let last = Ipv4Repr {
            more_frags: false,
            frag_offset: 1480,
            payload_len: 520,
            ..first
        };
        let text = describe_frame(&ip_frame(last, &segment[1480..]));
        assert!(
            text.ends_with(" id 1 frag 1480:520: fragment, length 554"),
            "{text}"
        );
    }

    #[test]
    fn bad_bytes_are_named() {
        assert_eq!(
            describe_frame(&[1, 2, 3]),
            "[Ethernet truncated: needs 14 bytes, got 3], length 3"
        );
        let echo = icmp_frame(IcmpRepr::EchoRequest {
            ident: 1,
            seq_no: 1,
            data: &[1; 8],
        });
        let mut v5 = echo.clone();
        v5[14] = 0x55;
        assert!(describe_frame(&v5).ends_with(" IP [malformed IPv4: version is not 4], length 60"));
        let mut bad_ip = echo.clone();
        bad_ip[14 + 11] ^= 1;
        assert!(describe_frame(&bad_ip)
            .ends_with(": ICMP echo request id 1 seq 1 len 8 [bad IPv4 checksum], length 60"));
        let mut bad_icmp = echo.clone();
        bad_icmp[14 + 20 + 8] ^= 1;
        assert!(describe_frame(&bad_icmp)
            .ends_with(": ICMP echo request id 1 seq 1 len 8 [bad ICMP checksum], length 60"));
    }

    #[test]
    fn never_panics_on_any_prefix_or_corruption() {
        let quoted = quoted_udp();
        let frames = [
            arp_frame(ArpOperation::Request),
            icmp_frame(IcmpRepr::DstUnreachable {
                reason: DstUnreachable::PortUnreachable,
                next_hop_mtu: 0,
                invoking: &quoted,
            }),
            ip_frame(ip(IpProtocol::UDP, 8), &[0; 8]),
            ip_frame(ip(IpProtocol::TCP, 20), &[0; 20]),
            tcp_frame(A, &syn(), &[]),
            syn_with_options(&[1, 3, 3, 7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0]),
        ];
        let mut out = String::new();
        for frame in &frames {
            for len in 0..=frame.len() {
                describe_frame_into(&frame[..len], &mut out);
            }
            for at in 0..frame.len() {
                for value in [0x00, 0x01, 0x0f, 0x40, 0x4f, 0x45, 0xff] {
                    let mut bad = frame.clone();
                    bad[at] = value;
                    out.clear();
                    describe_frame_into(&bad, &mut out);
                    assert!(out.ends_with(&format!(", length {}", bad.len())));
                }
            }
        }
    }
}
