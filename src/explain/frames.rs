//! What a frame is, for its sentence: the message id of its kind and the
//! values the sentence names, read with simnet's own parsers.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddrV4};

use crate::i18n::Args;
use crate::wire::arp::{ArpOperation, ArpRepr};
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
                if let Ok(udp) = UdpPacket::new_checked(ip.payload()) {
                    args.set("src_port", udp.src_port().to_string());
                    args.set("dst_port", udp.dst_port().to_string());
                    args.set("len", udp.payload().len().to_string());
                }
                done("udp", args)
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
