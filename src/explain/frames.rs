//! What a frame is, for its sentence: the message id of its kind and the
//! values the sentence names, read with simnet's own parsers.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddrV4};

use crate::i18n::Args;
use crate::wire::arp::{ArpOperation, ArpRepr};
use crate::wire::dhcp::{self, DhcpMessage, MessageType};
use crate::wire::dns::{self, DnsMessage, Rcode};
use crate::wire::ethernet::{EtherType, EthernetFrame};
use crate::wire::icmp::IcmpRepr;
use crate::wire::ipv4::{IpProtocol, Ipv4Packet};
use crate::wire::tcp::{TcpPacket, TcpRepr};
use crate::wire::udp::UdpPacket;

/// The kinds of frame a sentence exists for; the message ids are
/// `frame-out-KIND` and `frame-in-KIND`.
pub const FRAME_KINDS: &[&str] = &[
    "arp-request",
    "arp-reply",
    "icmp-echo-request",
    "icmp-echo-reply",
    "icmp-unreachable",
    "icmp-time-exceeded",
    "icmp-other",
    "udp",
    "dns-query",
    "dns-answer",
    "dns-negative",
    "dns-truncated",
    "dhcp-discover",
    "dhcp-offer",
    "dhcp-request",
    "dhcp-ack",
    "dhcp-nak",
    "tcp-syn",
    "tcp-syn-ack",
    "tcp-handshake-ack",
    "tcp-ack",
    "tcp-data",
    "tcp-fin",
    "tcp-rst",
    "ip-fragment",
    "other",
];

/// Remembers what earlier frames said: each TCP direction's initial
/// sequence number, and whether a connection's SYN-ACK has been answered.
#[derive(Debug, Default)]
pub struct FrameMemory {
    isn: BTreeMap<(SocketAddrV4, SocketAddrV4), u32>,
    syn_ack_seen: BTreeMap<(SocketAddrV4, SocketAddrV4), bool>,
}

/// A frame's kind and the values its sentence uses.
pub struct FrameFacts {
    /// One of [`FRAME_KINDS`].
    pub kind: &'static str,
    /// The values.
    pub args: Args<'static>,
    /// Its IPv4 source, if it is an IP packet.
    pub src: Option<Ipv4Addr>,
}

impl FrameMemory {
    /// The facts of a frame (`loopback`: a bare IPv4 packet). With `learn`
    /// false (an arrival), the memory is read but not changed, so that a
    /// frame seen at several hops is counted once.
    pub fn facts(&mut self, bytes: &[u8], loopback: bool, learn: bool) -> FrameFacts {
        let mut args = Args::new();
        let facts = |kind, args| FrameFacts {
            kind,
            args,
            src: None,
        };
        if loopback {
            return self.ipv4(bytes, args, learn);
        }
        let Ok(frame) = EthernetFrame::new_checked(bytes) else {
            return facts("other", args);
        };
        args.set("dst_mac", frame.dst_addr().to_string());
        args.set("src_mac", frame.src_addr().to_string());
        match frame.ethertype() {
            EtherType::ARP => match ArpRepr::parse(frame.payload()) {
                Ok(arp) => {
                    args.set("sender_ip", arp.sender_ip.to_string());
                    args.set("sender_mac", arp.sender_mac.to_string());
                    args.set("target_ip", arp.target_ip.to_string());
                    let kind = if arp.operation == ArpOperation::Request {
                        "arp-request"
                    } else {
                        "arp-reply"
                    };
                    facts(kind, args)
                }
                Err(_) => facts("other", args),
            },
            EtherType::IPV4 => self.ipv4(frame.payload(), args, learn),
            _ => facts("other", args),
        }
    }

    fn ipv4(&mut self, bytes: &[u8], mut args: Args<'static>, learn: bool) -> FrameFacts {
        let Ok(ip) = Ipv4Packet::new_checked(bytes) else {
            return FrameFacts {
                kind: "other",
                args,
                src: None,
            };
        };
        let (src, dst) = (ip.src_addr(), ip.dst_addr());
        args.set("src", src.to_string());
        args.set("dst", dst.to_string());
        args.set("ttl", ip.ttl().to_string());
        args.set("len", ip.payload().len().to_string());
        let done = |kind, args| FrameFacts {
            kind,
            args,
            src: Some(src),
        };
        if ip.frag_offset() != 0 || ip.more_frags() {
            args.set("offset", ip.frag_offset().to_string());
            args.set("more", if ip.more_frags() { "yes" } else { "no" });
            return done("ip-fragment", args);
        }
        match ip.protocol() {
            IpProtocol::ICMP => {
                let kind = match IcmpRepr::parse(ip.payload()) {
                    Ok(IcmpRepr::EchoRequest { seq_no, .. }) => {
                        args.set("seq", seq_no.to_string());
                        "icmp-echo-request"
                    }
                    Ok(IcmpRepr::EchoReply { seq_no, .. }) => {
                        args.set("seq", seq_no.to_string());
                        "icmp-echo-reply"
                    }
                    Ok(IcmpRepr::DstUnreachable { reason, .. }) => {
                        args.set("reason", reason.to_string());
                        "icmp-unreachable"
                    }
                    Ok(IcmpRepr::TimeExceeded { .. }) => "icmp-time-exceeded",
                    _ => "icmp-other",
                };
                done(kind, args)
            }
            IpProtocol::UDP => {
                let mut kind = "udp";
                if let Ok(udp) = UdpPacket::new_checked(ip.payload()) {
                    args.set("src_port", udp.src_port().to_string());
                    args.set("dst_port", udp.dst_port().to_string());
                    args.set("len", udp.payload().len().to_string());
                    let ports = [udp.src_port(), udp.dst_port()];
                    if ports.contains(&dns::PORT) {
                        kind = dns_kind(udp.payload(), &mut args).unwrap_or(kind);
                    } else if ports.contains(&dhcp::SERVER_PORT)
                        && ports.contains(&dhcp::CLIENT_PORT)
                    {
                        kind = dhcp_kind(udp.payload(), &mut args).unwrap_or(kind);
                    }
                }
                done(kind, args)
            }
            IpProtocol::TCP => {
                let parsed = TcpPacket::new_checked(ip.payload())
                    .ok()
                    .and_then(|seg| TcpRepr::parse(&seg, src, dst).ok());
                let Some(tcp) = parsed else {
                    return done("other", args);
                };
                let kind = self.tcp(&tcp, src, dst, &mut args, learn);
                done(kind, args)
            }
            _ => done("other", args),
        }
    }

    fn tcp(
        &mut self,
        tcp: &TcpRepr,
        src: Ipv4Addr,
        dst: Ipv4Addr,
        args: &mut Args<'static>,
        learn: bool,
    ) -> &'static str {
        let from = SocketAddrV4::new(src, tcp.src_port);
        let to = SocketAddrV4::new(dst, tcp.dst_port);
        if tcp.flags.syn && learn {
            self.isn.insert((from, to), tcp.seq);
        }
        let rel = |isn: Option<&u32>, n: u32| isn.map_or(n, |i| n.wrapping_sub(*i)).to_string();
        args.set("seq", tcp.seq.to_string());
        args.set("ack", tcp.ack.to_string());
        args.set("rel_seq", rel(self.isn.get(&(from, to)), tcp.seq));
        args.set("rel_ack", rel(self.isn.get(&(to, from)), tcp.ack));
        args.set("peer_isn_plus_one", tcp.ack.to_string());
        args.set("win", tcp.window.to_string());
        args.set("len", tcp.payload_len.to_string());
        args.set("src_port", tcp.src_port.to_string());
        args.set("dst_port", tcp.dst_port.to_string());
        args.set("mss", tcp.mss.map_or("-".to_string(), |m| m.to_string()));
        args.set(
            "wscale",
            tcp.window_scale.map_or("-".to_string(), |w| w.to_string()),
        );
        let f = tcp.flags;
        if f.rst {
            return "tcp-rst";
        }
        if f.syn && f.ack {
            if learn {
                self.syn_ack_seen.insert((to, from), true);
            }
            return "tcp-syn-ack";
        }
        if f.syn {
            return "tcp-syn";
        }
        if f.fin {
            return "tcp-fin";
        }
        if tcp.payload_len > 0 {
            return "tcp-data";
        }
        // The first ACK after the peer's SYN-ACK completes the handshake.
        let handshake = self.syn_ack_seen.get(&(from, to)).copied().unwrap_or(false);
        if handshake {
            if learn {
                self.syn_ack_seen.insert((from, to), false);
            }
            return "tcp-handshake-ack";
        }
        "tcp-ack"
    }
}

/// The kind of a DNS message (RFC 1035), with its question and answers
/// set; `None` for bytes that are not DNS.
fn dns_kind(payload: &[u8], args: &mut Args<'static>) -> Option<&'static str> {
    let m = DnsMessage::parse(payload).ok()?;
    let q = m.questions.first()?;
    args.set("name", q.name.clone());
    args.set("qtype", q.qtype.to_string());
    args.set("id", m.id.to_string());
    if !m.flags.response {
        return Some("dns-query");
    }
    let addrs: Vec<String> = m.addrs().iter().map(Ipv4Addr::to_string).collect();
    args.set("count", addrs.len().to_string());
    args.set("addrs", addrs.join(", "));
    args.set(
        "rcode",
        match m.flags.rcode {
            Rcode::NO_ERROR => "NODATA".to_string(),
            other => other.name().to_uppercase(),
        },
    );
    Some(if m.flags.truncated {
        "dns-truncated"
    } else if m.flags.rcode == Rcode::NO_ERROR && !addrs.is_empty() {
        "dns-answer"
    } else {
        "dns-negative"
    })
}

/// The kind of a DHCP message (RFC 2131), with its addresses set; `None`
/// for bytes that are not DHCP or a kind without its own sentence.
fn dhcp_kind(payload: &[u8], args: &mut Args<'static>) -> Option<&'static str> {
    let m = DhcpMessage::parse(payload).ok()?;
    args.set("mac", m.chaddr.to_string());
    args.set("yiaddr", m.yiaddr.to_string());
    args.set("ciaddr", m.ciaddr.to_string());
    args.set("lease", m.lease_time.unwrap_or(0).to_string());
    let unset = Ipv4Addr::UNSPECIFIED.to_string();
    args.set("server", m.server_id.map_or(unset, |s| s.to_string()));
    let renewing = if m.ciaddr.is_unspecified() {
        "no"
    } else {
        "yes"
    };
    args.set("renewing", renewing);
    Some(match m.message_type? {
        MessageType::Discover => "dhcp-discover",
        MessageType::Offer => "dhcp-offer",
        MessageType::Request => "dhcp-request",
        MessageType::Ack => "dhcp-ack",
        MessageType::Nak => "dhcp-nak",
        _ => return None,
    })
}
