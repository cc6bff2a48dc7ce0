//! Short labels for frames, as a ladder diagram writes them beside each
//! arrow: Wireshark-like, with TCP sequence numbers relative to each
//! direction's initial sequence number (`SYN seq=0`, `ACK seq=1 ack=1`).

use std::collections::BTreeMap;
use std::net::SocketAddrV4;

use crate::wire::arp::{ArpOperation, ArpRepr};
use crate::wire::ethernet::{EtherType, EthernetFrame};
use crate::wire::icmp::IcmpRepr;
use crate::wire::ipv4::{IpProtocol, Ipv4Packet};
use crate::wire::tcp::{TcpPacket, TcpRepr};
use crate::wire::udp::UdpPacket;

/// The protocol a frame carries, for filters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Proto {
    /// ARP.
    Arp,
    /// ICMP.
    Icmp,
    /// UDP.
    Udp,
    /// TCP.
    Tcp,
    /// Anything else (or unreadable).
    Other,
}

impl Proto {
    /// `arp`, `icmp`, `udp`, `tcp`, `other`.
    pub fn name(self) -> &'static str {
        match self {
            Proto::Arp => "arp",
            Proto::Icmp => "icmp",
            Proto::Udp => "udp",
            Proto::Tcp => "tcp",
            Proto::Other => "other",
        }
    }

    /// The protocol called `name`.
    pub fn parse(name: &str) -> Option<Proto> {
        [
            Proto::Arp,
            Proto::Icmp,
            Proto::Udp,
            Proto::Tcp,
            Proto::Other,
        ]
        .into_iter()
        .find(|p| p.name() == name.to_ascii_lowercase())
    }
}

/// Remembers each TCP direction's initial sequence number, so labels can
/// count from zero.
#[derive(Debug, Default)]
pub struct Labeler {
    isn: BTreeMap<(SocketAddrV4, SocketAddrV4), u32>,
}

impl Labeler {
    /// The label and protocol of an Ethernet frame (`loopback`: an IPv4
    /// packet without Ethernet header).
    pub fn label(&mut self, bytes: &[u8], loopback: bool) -> (String, Proto) {
        if loopback {
            return self.ipv4(bytes);
        }
        let Ok(frame) = EthernetFrame::new_checked(bytes) else {
            return ("malformed frame".to_string(), Proto::Other);
        };
        match frame.ethertype() {
            EtherType::ARP => match ArpRepr::parse(frame.payload()) {
                Ok(arp) if arp.operation == ArpOperation::Request => (
                    format!("ARP who-has {}? tell {}", arp.target_ip, arp.sender_ip),
                    Proto::Arp,
                ),
                Ok(arp) => (
                    format!("ARP {} is-at {}", arp.sender_ip, arp.sender_mac),
                    Proto::Arp,
                ),
                Err(_) => ("ARP (malformed)".to_string(), Proto::Arp),
            },
            EtherType::IPV4 => self.ipv4(frame.payload()),
            other => (format!("EtherType 0x{:04x}", other.0), Proto::Other),
        }
    }

    fn ipv4(&mut self, bytes: &[u8]) -> (String, Proto) {
        let Ok(ip) = Ipv4Packet::new_checked(bytes) else {
            return ("IP (malformed)".to_string(), Proto::Other);
        };
        let (src, dst) = (ip.src_addr(), ip.dst_addr());
        if ip.frag_offset() != 0 {
            let proto = match ip.protocol() {
                IpProtocol::UDP => Proto::Udp,
                IpProtocol::TCP => Proto::Tcp,
                IpProtocol::ICMP => Proto::Icmp,
                _ => Proto::Other,
            };
            return (
                format!(
                    "IP fragment offset {} ({} bytes)",
                    ip.frag_offset(),
                    ip.payload().len()
                ),
                proto,
            );
        }
        let more = if ip.more_frags() {
            " (first fragment)"
        } else {
            ""
        };
        match ip.protocol() {
            IpProtocol::ICMP => {
                let text = match IcmpRepr::parse(ip.payload()) {
                    Ok(IcmpRepr::EchoRequest { seq_no, .. }) => {
                        format!("ICMP echo request seq {seq_no}")
                    }
                    Ok(IcmpRepr::EchoReply { seq_no, .. }) => {
                        format!("ICMP echo reply seq {seq_no}")
                    }
                    Ok(IcmpRepr::DstUnreachable { reason, .. }) => {
                        format!("ICMP {reason} unreachable")
                    }
                    Ok(IcmpRepr::TimeExceeded { .. }) => "ICMP time exceeded".to_string(),
                    Ok(IcmpRepr::Other { msg_type, code, .. }) => {
                        format!("ICMP type {msg_type} code {code}")
                    }
                    Err(_) => "ICMP (malformed)".to_string(),
                };
                (text, Proto::Icmp)
            }
            IpProtocol::UDP => match UdpPacket::new_checked(ip.payload()) {
                Ok(udp) => (
                    format!(
                        "UDP {} → {} len {}{more}",
                        udp.src_port(),
                        udp.dst_port(),
                        udp.payload().len()
                    ),
                    Proto::Udp,
                ),
                Err(_) => (format!("UDP{more}"), Proto::Udp),
            },
            IpProtocol::TCP => {
                let Ok(seg) = TcpPacket::new_checked(ip.payload()) else {
                    return ("TCP (malformed)".to_string(), Proto::Tcp);
                };
                let Ok(tcp) = TcpRepr::parse(&seg, src, dst) else {
                    return ("TCP (bad checksum)".to_string(), Proto::Tcp);
                };
                (self.tcp(&tcp, src, dst), Proto::Tcp)
            }
            other => (format!("IP protocol {}", other.0), Proto::Other),
        }
    }

    fn tcp(&mut self, tcp: &TcpRepr, src: std::net::Ipv4Addr, dst: std::net::Ipv4Addr) -> String {
        let from = SocketAddrV4::new(src, tcp.src_port);
        let to = SocketAddrV4::new(dst, tcp.dst_port);
        if tcp.flags.syn {
            self.isn.insert((from, to), tcp.seq);
        }
        let rel = |isn: Option<&u32>, n: u32| isn.map_or(n, |i| n.wrapping_sub(*i));
        let seq = rel(self.isn.get(&(from, to)), tcp.seq);
        let ack = rel(self.isn.get(&(to, from)), tcp.ack);
        let f = tcp.flags;
        let mut names = Vec::new();
        for (on, name) in [
            (f.syn, "SYN"),
            (f.fin, "FIN"),
            (f.rst, "RST"),
            (f.psh, "PSH"),
            (f.ack, "ACK"),
        ] {
            if on {
                names.push(name);
            }
        }
        let mut out = names.join("-");
        out.push_str(&format!(" seq={seq}"));
        if f.ack {
            out.push_str(&format!(" ack={ack}"));
        }
        if !f.rst {
            out.push_str(&format!(" win={}", tcp.window));
        }
        if tcp.payload_len > 0 {
            out.push_str(&format!(" len={}", tcp.payload_len));
        }
        if let Some(mss) = tcp.mss {
            out.push_str(&format!(" mss {mss}"));
        }
        if !tcp.sack.is_empty() {
            out.push_str(" sack");
        }
        out
    }
}
