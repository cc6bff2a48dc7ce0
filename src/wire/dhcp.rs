//! DHCP messages (RFC 2131 §2), with the options of RFC 2132 that a
//! client needs to configure an interface.
//!
//! ```text
//!  0               1               2               3
//! +---------------+---------------+---------------+---------------+
//! |  op (1 or 2)  |  htype (1)    |  hlen (6)     |  hops         |
//! +---------------+---------------+---------------+---------------+
//! |                            xid (4)                            |
//! +-------------------------------+-------------------------------+
//! |           secs (2)            |  flags (2): B = broadcast     |
//! +-------------------------------+-------------------------------+
//! |  ciaddr, yiaddr, siaddr, giaddr (4 each)                      |
//! |  chaddr (16)  sname (64)  file (128)                          |
//! |  magic cookie 99.130.83.99, then options (code, length, data) |
//! +---------------------------------------------------------------+
//! ```
//!
//! The fixed part is BOOTP's (RFC 951), which is why replies are "op 2,
//! BOOTREPLY" and why the client's MAC rides in `chaddr`. A client without
//! an address sends from 0.0.0.0 port 68 to 255.255.255.255 port 67, and
//! sets the broadcast flag when it cannot receive unicast before it is
//! configured (§4.1), as simnet's can't. Messages are padded to BOOTP's
//! 300 bytes (RFC 1542 §3.1), as ISC's dhclient pads them.

use std::fmt::{self, Write};
use std::net::Ipv4Addr;
use std::time::Duration;

use super::mac::MacAddr;
use super::{Result, WireError};

/// The port servers listen on.
pub const SERVER_PORT: u16 = 67;

/// The port clients listen on.
pub const CLIENT_PORT: u16 = 68;

/// The options field starts with these four bytes (RFC 2131 §3).
pub const MAGIC_COOKIE: [u8; 4] = [99, 130, 83, 99];

/// Bytes before the options: the BOOTP header and the magic cookie.
pub const FIXED_LEN: usize = 240;

/// The smallest message sent, as BOOTP relays expect (RFC 1542 §3.1).
pub const MIN_LEN: usize = 300;

/// The broadcast bit of `flags` (RFC 2131 §2, Figure 2).
const BROADCAST_FLAG: u16 = 0x8000;

/// What a message is (option 53, RFC 2132 §9.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MessageType {
    /// A client looks for servers.
    Discover,
    /// A server offers an address.
    Offer,
    /// A client asks for the offered address, or to keep its own.
    Request,
    /// A client found the address already in use.
    Decline,
    /// A server confirms the lease.
    Ack,
    /// A server refuses the request.
    Nak,
    /// A client gives its address back.
    Release,
    /// A client with an address asks for the other parameters.
    Inform,
}

impl MessageType {
    /// The type option 53 gives as `code`, if it is one of the eight.
    pub fn from_code(code: u8) -> Option<MessageType> {
        Some(match code {
            1 => MessageType::Discover,
            2 => MessageType::Offer,
            3 => MessageType::Request,
            4 => MessageType::Decline,
            5 => MessageType::Ack,
            6 => MessageType::Nak,
            7 => MessageType::Release,
            8 => MessageType::Inform,
            _ => return None,
        })
    }

    fn code(self) -> u8 {
        self as u8 + 1
    }

    /// The name tcpdump and Wireshark use: `Discover`, `Offer`, `ACK`, …
    pub fn name(self) -> &'static str {
        match self {
            MessageType::Discover => "Discover",
            MessageType::Offer => "Offer",
            MessageType::Request => "Request",
            MessageType::Decline => "Decline",
            MessageType::Ack => "ACK",
            MessageType::Nak => "NAK",
            MessageType::Release => "Release",
            MessageType::Inform => "Inform",
        }
    }
}

/// Option codes (RFC 2132).
mod code {
    pub const PAD: u8 = 0;
    pub const SUBNET_MASK: u8 = 1;
    pub const ROUTER: u8 = 3;
    pub const DNS: u8 = 6;
    pub const HOST_NAME: u8 = 12;
    pub const REQUESTED_IP: u8 = 50;
    pub const LEASE_TIME: u8 = 51;
    pub const MESSAGE_TYPE: u8 = 53;
    pub const SERVER_ID: u8 = 54;
    pub const PARAMETER_LIST: u8 = 55;
    pub const RENEWAL_TIME: u8 = 58;
    pub const REBINDING_TIME: u8 = 59;
    pub const END: u8 = 255;
}

/// A whole DHCP message: the fields simnet's client and server use.
/// Options it does not know are skipped when parsing and never written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DhcpMessage {
    /// BOOTREQUEST (from a client) or BOOTREPLY (from a server).
    pub reply: bool,
    /// The transaction id the client chose; replies copy it.
    pub xid: u32,
    /// Seconds since the client began.
    pub secs: u16,
    /// The client asks for broadcast replies.
    pub broadcast: bool,
    /// The client's address, when it has one (renewing).
    pub ciaddr: Ipv4Addr,
    /// "Your" address: what the server offers or confirms.
    pub yiaddr: Ipv4Addr,
    /// The next server of a boot (unused here, zero).
    pub siaddr: Ipv4Addr,
    /// A relay agent's address (zero without a relay).
    pub giaddr: Ipv4Addr,
    /// The client's hardware address.
    pub chaddr: MacAddr,
    /// Option 53.
    pub message_type: Option<MessageType>,
    /// Option 1.
    pub subnet_mask: Option<Ipv4Addr>,
    /// Option 3: routers, the first being the default gateway.
    pub routers: Vec<Ipv4Addr>,
    /// Option 6: DNS servers.
    pub dns: Vec<Ipv4Addr>,
    /// Option 12.
    pub host_name: Option<String>,
    /// Option 50: the address a client asks for.
    pub requested_ip: Option<Ipv4Addr>,
    /// Option 51: the lease, in seconds.
    pub lease_time: Option<u32>,
    /// Option 54: which server the message is from, or for.
    pub server_id: Option<Ipv4Addr>,
    /// Option 55: the options the client wants.
    pub parameter_list: Vec<u8>,
    /// Option 58: T1, when to renew, in seconds.
    pub renewal_time: Option<u32>,
    /// Option 59: T2, when to rebind, in seconds.
    pub rebinding_time: Option<u32>,
}

impl DhcpMessage {
    /// A client's message of `kind`, with nothing else set.
    pub fn request(kind: MessageType, xid: u32, chaddr: MacAddr) -> DhcpMessage {
        DhcpMessage {
            reply: false,
            xid,
            secs: 0,
            broadcast: false,
            ciaddr: Ipv4Addr::UNSPECIFIED,
            yiaddr: Ipv4Addr::UNSPECIFIED,
            siaddr: Ipv4Addr::UNSPECIFIED,
            giaddr: Ipv4Addr::UNSPECIFIED,
            chaddr,
            message_type: Some(kind),
            subnet_mask: None,
            routers: Vec::new(),
            dns: Vec::new(),
            host_name: None,
            requested_ip: None,
            lease_time: None,
            server_id: None,
            parameter_list: Vec::new(),
            renewal_time: None,
            rebinding_time: None,
        }
    }

    /// A server's reply of `kind` to `request`: its xid, flags, relay and
    /// client address copied as RFC 2131 §4.3.1 (Table 3) says.
    pub fn reply_to(request: &DhcpMessage, kind: MessageType) -> DhcpMessage {
        DhcpMessage {
            reply: true,
            broadcast: request.broadcast,
            giaddr: request.giaddr,
            ..DhcpMessage::request(kind, request.xid, request.chaddr)
        }
    }

    /// The lease as a duration.
    pub fn lease(&self) -> Option<Duration> {
        self.lease_time.map(|s| Duration::from_secs(u64::from(s)))
    }

    /// Reads a message.
    pub fn parse(bytes: &[u8]) -> Result<DhcpMessage> {
        if bytes.len() < FIXED_LEN {
            return Err(WireError::Truncated {
                layer: "DHCP",
                needed: FIXED_LEN,
                got: bytes.len(),
            });
        }
        let malformed = |reason| WireError::Malformed {
            layer: "DHCP",
            reason,
        };
        let op = bytes[0];
        if op != 1 && op != 2 {
            return Err(malformed("op is neither 1 (request) nor 2 (reply)"));
        }
        if bytes[1] != 1 || bytes[2] != 6 {
            return Err(malformed("hardware type is not Ethernet (1, length 6)"));
        }
        if bytes[236..240] != MAGIC_COOKIE {
            return Err(malformed("the magic cookie is not 99.130.83.99"));
        }
        let addr =
            |at: usize| Ipv4Addr::new(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
        let mut chaddr = [0u8; 6];
        chaddr.copy_from_slice(&bytes[28..34]);
        let mut message = DhcpMessage {
            reply: op == 2,
            xid: u32::from_be_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]),
            secs: u16::from_be_bytes([bytes[8], bytes[9]]),
            broadcast: u16::from_be_bytes([bytes[10], bytes[11]]) & BROADCAST_FLAG != 0,
            ciaddr: addr(12),
            yiaddr: addr(16),
            siaddr: addr(20),
            giaddr: addr(24),
            ..DhcpMessage::request(MessageType::Discover, 0, MacAddr(chaddr))
        };
        message.message_type = None;
        let mut at = FIXED_LEN;
        loop {
            let Some(&code) = bytes.get(at) else {
                return Err(malformed("the options have no end option (255)"));
            };
            match code {
                code::END => return Ok(message),
                code::PAD => {
                    at += 1;
                    continue;
                }
                _ => {}
            }
            let len = usize::from(
                *bytes
                    .get(at + 1)
                    .ok_or(malformed("an option has no length"))?,
            );
            let data = bytes
                .get(at + 2..at + 2 + len)
                .ok_or(malformed("an option runs past the end of the message"))?;
            message.read_option(code, data).map_err(malformed)?;
            at += 2 + len;
        }
    }

    fn read_option(&mut self, code: u8, data: &[u8]) -> std::result::Result<(), &'static str> {
        let one_addr = || match *data {
            [a, b, c, d] => Ok(Ipv4Addr::new(a, b, c, d)),
            _ => Err("an address option is not 4 bytes"),
        };
        let addrs = || {
            if data.is_empty() || data.len() % 4 != 0 {
                return Err("an address list is not a multiple of 4 bytes");
            }
            Ok(data
                .chunks_exact(4)
                .map(|c| Ipv4Addr::new(c[0], c[1], c[2], c[3]))
                .collect())
        };
        let seconds = || match *data {
            [a, b, c, d] => Ok(u32::from_be_bytes([a, b, c, d])),
            _ => Err("a time option is not 4 bytes"),
        };
        match code {
            code::MESSAGE_TYPE => {
                let kind = match *data {
                    [kind] => MessageType::from_code(kind),
                    _ => None,
                };
                self.message_type = Some(kind.ok_or("option 53 is not a message type 1-8")?);
            }
            code::SUBNET_MASK => self.subnet_mask = Some(one_addr()?),
            code::ROUTER => self.routers = addrs()?,
            code::DNS => self.dns = addrs()?,
            code::HOST_NAME => self.host_name = Some(String::from_utf8_lossy(data).into_owned()),
            code::REQUESTED_IP => self.requested_ip = Some(one_addr()?),
            code::LEASE_TIME => self.lease_time = Some(seconds()?),
            code::SERVER_ID => self.server_id = Some(one_addr()?),
            code::PARAMETER_LIST => self.parameter_list = data.to_vec(),
            code::RENEWAL_TIME => self.renewal_time = Some(seconds()?),
            code::REBINDING_TIME => self.rebinding_time = Some(seconds()?),
            _ => {}
        }
        Ok(())
    }

    /// The message's bytes: the fixed part, the cookie, the options (the
    /// message type first, as RFC 2131 §4.1 advises), the end option, and
    /// zeros up to 300 bytes.
    pub fn emit(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(MIN_LEN);
        out.extend_from_slice(&[if self.reply { 2 } else { 1 }, 1, 6, 0]);
        out.extend_from_slice(&self.xid.to_be_bytes());
        out.extend_from_slice(&self.secs.to_be_bytes());
        let flags = if self.broadcast { BROADCAST_FLAG } else { 0 };
        out.extend_from_slice(&flags.to_be_bytes());
        for addr in [self.ciaddr, self.yiaddr, self.siaddr, self.giaddr] {
            out.extend_from_slice(&addr.octets());
        }
        out.extend_from_slice(&self.chaddr.0);
        out.resize(FIXED_LEN - 4, 0); // chaddr's padding, sname, file
        out.extend_from_slice(&MAGIC_COOKIE);
        let mut option = |code: u8, data: &[u8]| {
            for chunk in data.chunks(255) {
                out.push(code);
                out.push(chunk.len() as u8);
                out.extend_from_slice(chunk);
            }
        };
        if let Some(kind) = self.message_type {
            option(code::MESSAGE_TYPE, &[kind.code()]);
        }
        let list = |addrs: &[Ipv4Addr]| addrs.iter().flat_map(|a| a.octets()).collect::<Vec<u8>>();
        if let Some(id) = self.server_id {
            option(code::SERVER_ID, &id.octets());
        }
        if let Some(ip) = self.requested_ip {
            option(code::REQUESTED_IP, &ip.octets());
        }
        if let Some(t) = self.lease_time {
            option(code::LEASE_TIME, &t.to_be_bytes());
        }
        if let Some(t) = self.renewal_time {
            option(code::RENEWAL_TIME, &t.to_be_bytes());
        }
        if let Some(t) = self.rebinding_time {
            option(code::REBINDING_TIME, &t.to_be_bytes());
        }
        if let Some(mask) = self.subnet_mask {
            option(code::SUBNET_MASK, &mask.octets());
        }
        if !self.routers.is_empty() {
            option(code::ROUTER, &list(&self.routers));
        }
        if !self.dns.is_empty() {
            option(code::DNS, &list(&self.dns));
        }
        if let Some(name) = &self.host_name {
            option(code::HOST_NAME, name.as_bytes());
        }
        if !self.parameter_list.is_empty() {
            option(code::PARAMETER_LIST, &self.parameter_list);
        }
        out.push(code::END);
        if out.len() < MIN_LEN {
            out.resize(MIN_LEN, 0);
        }
        out
    }
}

/// Appends the trace's summary of a DHCP message to `out`:
/// `DHCP Discover xid 0x3d1d from 02:00:00:00:00:01`, `DHCP Offer
/// 192.168.1.100 xid 0x3d1d`, `DHCP ACK 192.168.1.100 xid … lease 60s`.
pub fn describe(bytes: &[u8], out: &mut String) {
    let _ = write_summary(bytes, out);
}

fn write_summary(bytes: &[u8], out: &mut String) -> fmt::Result {
    let m = match DhcpMessage::parse(bytes) {
        Ok(m) => m,
        Err(err) => return write!(out, "DHCP [{err}]"),
    };
    let kind = m.message_type.map_or(
        if m.reply { "BOOTREPLY" } else { "BOOTREQUEST" },
        MessageType::name,
    );
    write!(out, "DHCP {kind}")?;
    if m.yiaddr != Ipv4Addr::UNSPECIFIED {
        write!(out, " {}", m.yiaddr)?;
    }
    write!(out, " xid 0x{:08x}", m.xid)?;
    if m.reply {
        if let Some(lease) = m.lease_time {
            write!(out, " lease {lease}s")?;
        }
    } else {
        write!(out, " from {}", m.chaddr)?;
        if m.ciaddr != Ipv4Addr::UNSPECIFIED {
            write!(out, " ciaddr {}", m.ciaddr)?;
        }
        if let Some(ip) = m.requested_ip {
            write!(out, " wants {ip}")?;
        }
    }
    if m.broadcast {
        out.push_str(" (broadcast)");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAC: MacAddr = MacAddr([2, 0, 0, 0, 0, 1]);

    fn offer() -> DhcpMessage {
        let mut discover = DhcpMessage::request(MessageType::Discover, 0x1234_5678, MAC);
        discover.broadcast = true;
        let mut offer = DhcpMessage::reply_to(&discover, MessageType::Offer);
        offer.yiaddr = Ipv4Addr::new(192, 168, 1, 100);
        offer.server_id = Some(Ipv4Addr::new(192, 168, 1, 1));
        offer.lease_time = Some(60);
        offer.renewal_time = Some(30);
        offer.rebinding_time = Some(52);
        offer.subnet_mask = Some(Ipv4Addr::new(255, 255, 255, 0));
        offer.routers = vec![Ipv4Addr::new(192, 168, 1, 1)];
        offer.dns = vec![
            Ipv4Addr::new(192, 168, 1, 53),
            Ipv4Addr::new(192, 168, 1, 54),
        ];
        offer
    }

    #[test]
    fn a_discover_is_laid_out_as_rfc_2131_draws_it() {
        let mut discover = DhcpMessage::request(MessageType::Discover, 0x1234_5678, MAC);
        discover.broadcast = true;
        discover.parameter_list = vec![1, 3, 6, 51];
        let b = discover.emit();
        assert_eq!(b.len(), MIN_LEN);
        assert_eq!(&b[..4], &[1, 1, 6, 0], "op, htype, hlen, hops");
        assert_eq!(&b[4..8], &[0x12, 0x34, 0x56, 0x78], "xid");
        assert_eq!(&b[10..12], &[0x80, 0], "the broadcast flag");
        assert_eq!(&b[28..34], &MAC.0, "chaddr");
        assert_eq!(&b[236..240], &MAGIC_COOKIE);
        assert_eq!(&b[240..243], &[53, 1, 1], "message type first: Discover");
        assert_eq!(&b[243..249], &[55, 4, 1, 3, 6, 51]);
        assert_eq!(b[249], 255, "end");
        assert_eq!(DhcpMessage::parse(&b).unwrap(), discover);
    }

    #[test]
    fn an_offer_round_trips_with_every_option() {
        let offer = offer();
        let back = DhcpMessage::parse(&offer.emit()).unwrap();
        assert_eq!(back, offer);
        assert_eq!(back.lease(), Some(Duration::from_secs(60)));
        let mut line = String::new();
        describe(&offer.emit(), &mut line);
        assert_eq!(
            line,
            "DHCP Offer 192.168.1.100 xid 0x12345678 lease 60s (broadcast)"
        );
    }

    #[test]
    fn bad_messages_say_what_is_wrong() {
        let good = offer().emit();
        let err = |b: &[u8]| DhcpMessage::parse(b).unwrap_err().to_string();
        assert!(err(&good[..100]).contains("truncated"));
        let mut b = good.clone();
        b[236] = 0;
        assert!(err(&b).contains("magic cookie"));
        let mut b = good.clone();
        b[0] = 3;
        assert!(err(&b).contains("op is neither"));
        // Message type 9, and an option running past the end.
        let mut b = good.clone();
        b[242] = 9;
        assert!(err(&b).contains("option 53"));
        let mut b = good[..FIXED_LEN].to_vec();
        b.extend_from_slice(&[51, 4, 0, 0]);
        assert!(err(&b).contains("past the end"));
        let mut b = good[..FIXED_LEN].to_vec();
        b.extend_from_slice(&[0, 0]);
        assert!(err(&b).contains("no end option"));
    }

    #[test]
    fn unknown_options_are_skipped() {
        let mut b = offer().emit();
        // Replace the end option with option 43 (vendor), then end.
        let end = b.iter().rposition(|&x| x == 255).unwrap();
        b.truncate(end);
        b.extend_from_slice(&[43, 2, 9, 9, 255]);
        assert_eq!(DhcpMessage::parse(&b).unwrap(), offer());
    }
}
