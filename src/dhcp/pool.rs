//! A DHCP server's addresses and what it answers (RFC 2131 §4.3), without
//! I/O: the `dhcp-server` program feeds it messages and sends its replies.
//!
//! Addresses are handed out from a range. A client that had an address
//! (leased, offered, or expired but not yet given to someone else) gets it
//! again (§4.3.1); otherwise the address it asks for, if free; otherwise
//! the lowest free one. An offer is held for [`OFFER_HOLD`]; a lease lasts
//! the configured time and is extended by each REQUEST that renews it.
//! When nothing is free the server stays silent, as ISC's dhcpd does ("no
//! free leases"), and the client keeps asking.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::time::Duration;

use crate::wire::dhcp::{DhcpMessage, MessageType, CLIENT_PORT, SERVER_PORT};
use crate::wire::MacAddr;

/// How long an offered address is kept for the client it was offered to.
pub const OFFER_HOLD: Duration = Duration::from_secs(30);

/// What a server hands out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolConfig {
    /// The first address of the range.
    pub first: Ipv4Addr,
    /// The last address of the range (inclusive).
    pub last: Ipv4Addr,
    /// The subnet mask given with each address (option 1).
    pub mask: Ipv4Addr,
    /// The default gateway (option 3).
    pub router: Option<Ipv4Addr>,
    /// The DNS server (option 6).
    pub dns: Option<Ipv4Addr>,
    /// The lease time (option 51); T1 and T2 are half and 7/8 of it.
    pub lease: Duration,
    /// The server's own address (option 54).
    pub server_id: Ipv4Addr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Holding {
    Offered,
    Leased,
    /// A client said it is in use by someone else (DHCPDECLINE).
    Declined,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Binding {
    mac: MacAddr,
    holding: Holding,
    until: Duration,
}

/// Where a reply goes (RFC 2131 §4.1, the paragraph on `giaddr`,
/// `ciaddr` and the broadcast bit).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplyTo {
    /// 255.255.255.255 port 68: the client has no address yet, or was
    /// refused.
    Broadcast,
    /// The client's own address, port 68 (renewing).
    Unicast(Ipv4Addr, u16),
}

/// A reply to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// The message.
    pub message: DhcpMessage,
    /// Where to.
    pub to: ReplyTo,
}

/// What the server did with a message, for its log (in dhcpd's words).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PoolEvent {
    /// `DHCPOFFER on ADDR to MAC`.
    Offered(Ipv4Addr, MacAddr),
    /// `DHCPACK on ADDR to MAC` (a new lease, or one renewed).
    Acked(Ipv4Addr, MacAddr),
    /// `DHCPNAK on ADDR to MAC`.
    Refused(Ipv4Addr, MacAddr),
    /// `DHCPDISCOVER from MAC: no free leases`.
    Exhausted(MacAddr),
    /// The client took another server's offer: ours is free again.
    OtherServer(MacAddr),
    /// `DHCPRELEASE of ADDR from MAC`.
    Released(Ipv4Addr, MacAddr),
    /// `DHCPDECLINE of ADDR from MAC`: the address is set aside.
    Declined(Ipv4Addr, MacAddr),
    /// Not for this server, or not a client's message.
    Ignored,
}

/// A server's address pool and leases.
#[derive(Clone, Debug)]
pub struct Pool {
    config: PoolConfig,
    bindings: BTreeMap<Ipv4Addr, Binding>,
}

impl Pool {
    /// A pool with nothing handed out yet.
    pub fn new(config: PoolConfig) -> Pool {
        Pool {
            config,
            bindings: BTreeMap::new(),
        }
    }

    /// How many addresses the range holds.
    pub fn size(&self) -> u32 {
        u32::from(self.config.last).saturating_sub(u32::from(self.config.first)) + 1
    }

    /// The configuration.
    pub fn config(&self) -> &PoolConfig {
        &self.config
    }

    fn in_range(&self, addr: Ipv4Addr) -> bool {
        (self.config.first..=self.config.last).contains(&addr)
    }

    /// Whether `addr` may go to `mac` at `now`.
    fn free_for(&self, addr: Ipv4Addr, mac: MacAddr, now: Duration) -> bool {
        self.in_range(addr)
            && match self.bindings.get(&addr) {
                None => true,
                Some(b) if b.holding == Holding::Declined => b.until <= now,
                Some(b) => b.mac == mac || b.until <= now,
            }
    }

    /// The address for `mac`: its own, the one it asks for, or the lowest
    /// free one (RFC 2131 §4.3.1).
    fn choose(&self, mac: MacAddr, requested: Option<Ipv4Addr>, now: Duration) -> Option<Ipv4Addr> {
        let own = self
            .bindings
            .iter()
            .find(|(_, b)| b.mac == mac && b.holding != Holding::Declined)
            .map(|(a, _)| *a);
        if let Some(addr) = own.filter(|&a| self.free_for(a, mac, now)) {
            return Some(addr);
        }
        if let Some(addr) = requested.filter(|&a| self.free_for(a, mac, now)) {
            return Some(addr);
        }
        let (first, last) = (u32::from(self.config.first), u32::from(self.config.last));
        (first..=last)
            .map(Ipv4Addr::from)
            .find(|&a| self.free_for(a, mac, now))
    }

    fn reply(&self, to: &DhcpMessage, kind: MessageType, addr: Ipv4Addr) -> DhcpMessage {
        let mut m = DhcpMessage::reply_to(to, kind);
        m.server_id = Some(self.config.server_id);
        if kind == MessageType::Nak {
            return m;
        }
        let lease = u32::try_from(self.config.lease.as_secs()).unwrap_or(u32::MAX);
        m.yiaddr = addr;
        m.lease_time = Some(lease);
        m.renewal_time = Some(lease / 2);
        m.rebinding_time = Some((u64::from(lease) * 7 / 8) as u32);
        m.subnet_mask = Some(self.config.mask);
        m.routers = self.config.router.into_iter().collect();
        m.dns = self.config.dns.into_iter().collect();
        m
    }

    /// Where a reply to `request` goes (RFC 2131 §4.1): a NAK and
    /// anything for a client without an address are broadcast; a client
    /// with an address (renewing) gets it at that address. (A client that
    /// did not set the broadcast bit would get a unicast to `yiaddr` at its
    /// MAC, which needs a raw socket; simnet's clients always set it.)
    fn destination(request: &DhcpMessage, kind: MessageType) -> ReplyTo {
        if request.giaddr != Ipv4Addr::UNSPECIFIED {
            return ReplyTo::Unicast(request.giaddr, SERVER_PORT);
        }
        if kind != MessageType::Nak && request.ciaddr != Ipv4Addr::UNSPECIFIED {
            return ReplyTo::Unicast(request.ciaddr, CLIENT_PORT);
        }
        ReplyTo::Broadcast
    }

    /// Answers a client's `message` received at `now` (time since the
    /// server began): the reply to send, if any, and what happened.
    pub fn handle(&mut self, message: &DhcpMessage, now: Duration) -> (Option<Reply>, PoolEvent) {
        if message.reply {
            return (None, PoolEvent::Ignored);
        }
        let mac = message.chaddr;
        let answer = |pool: &mut Pool, kind, addr, event| {
            let reply = Reply {
                message: pool.reply(message, kind, addr),
                to: Pool::destination(message, kind),
            };
            (Some(reply), event)
        };
        match message.message_type {
            Some(MessageType::Discover) => match self.choose(mac, message.requested_ip, now) {
                Some(addr) => {
                    self.hold(addr, mac, Holding::Offered, now + OFFER_HOLD);
                    answer(
                        self,
                        MessageType::Offer,
                        addr,
                        PoolEvent::Offered(addr, mac),
                    )
                }
                None => (None, PoolEvent::Exhausted(mac)),
            },
            Some(MessageType::Request) => self.request(message, now),
            Some(MessageType::Release) => {
                let addr = message.ciaddr;
                if self.bindings.get(&addr).is_some_and(|b| b.mac == mac) {
                    self.bindings.remove(&addr);
                    return (None, PoolEvent::Released(addr, mac));
                }
                (None, PoolEvent::Ignored)
            }
            Some(MessageType::Decline) => match message.requested_ip {
                Some(addr) if self.in_range(addr) => {
                    self.hold(addr, mac, Holding::Declined, now + self.config.lease);
                    (None, PoolEvent::Declined(addr, mac))
                }
                _ => (None, PoolEvent::Ignored),
            },
            _ => (None, PoolEvent::Ignored),
        }
    }

    fn hold(&mut self, addr: Ipv4Addr, mac: MacAddr, holding: Holding, until: Duration) {
        // One binding per client: whatever else it held is free again.
        self.bindings
            .retain(|a, b| *a == addr || b.mac != mac || b.holding == Holding::Declined);
        self.bindings.insert(
            addr,
            Binding {
                mac,
                holding,
                until,
            },
        );
    }

    /// A REQUEST (RFC 2131 §4.3.2): selecting an offer (server id set),
    /// renewing or rebinding (`ciaddr` set), or rebooting (`requested_ip`
    /// set, no server id).
    fn request(&mut self, m: &DhcpMessage, now: Duration) -> (Option<Reply>, PoolEvent) {
        let mac = m.chaddr;
        let selecting = m.server_id.is_some();
        if selecting && m.server_id != Some(self.config.server_id) {
            // It took another server's offer.
            self.bindings
                .retain(|_, b| !(b.mac == mac && b.holding == Holding::Offered));
            return (None, PoolEvent::OtherServer(mac));
        }
        let Some(addr) = m
            .requested_ip
            .or((m.ciaddr != Ipv4Addr::UNSPECIFIED).then_some(m.ciaddr))
        else {
            return (None, PoolEvent::Ignored);
        };
        if !self.in_range(addr) {
            // Rebooting or rebinding with an address from elsewhere: a
            // server that is not its authority stays silent; one on the
            // same network must say no (§4.3.2, INIT-REBOOT).
            if selecting || m.ciaddr == Ipv4Addr::UNSPECIFIED {
                return self.refuse(m, addr);
            }
            return (None, PoolEvent::Ignored);
        }
        let ours = self
            .bindings
            .get(&addr)
            .is_some_and(|b| b.mac == mac && b.holding != Holding::Declined);
        if ours || (!selecting && self.free_for(addr, mac, now)) {
            self.hold(addr, mac, Holding::Leased, now + self.config.lease);
            let reply = Reply {
                message: self.reply(m, MessageType::Ack, addr),
                to: Pool::destination(m, MessageType::Ack),
            };
            return (Some(reply), PoolEvent::Acked(addr, mac));
        }
        self.refuse(m, addr)
    }

    fn refuse(&self, m: &DhcpMessage, addr: Ipv4Addr) -> (Option<Reply>, PoolEvent) {
        let reply = Reply {
            message: self.reply(m, MessageType::Nak, addr),
            to: ReplyTo::Broadcast,
        };
        (Some(reply), PoolEvent::Refused(addr, m.chaddr))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERVER: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 2);

    fn pool(size: u8) -> Pool {
        Pool::new(PoolConfig {
            first: Ipv4Addr::new(192, 168, 1, 100),
            last: Ipv4Addr::new(192, 168, 1, 99 + size),
            mask: Ipv4Addr::new(255, 255, 255, 0),
            router: Some(Ipv4Addr::new(192, 168, 1, 1)),
            dns: None,
            lease: Duration::from_secs(60),
            server_id: SERVER,
        })
    }

    fn mac(n: u8) -> MacAddr {
        MacAddr([2, 0, 0, 0, 0, n])
    }

    fn discover(n: u8) -> DhcpMessage {
        let mut m = DhcpMessage::request(MessageType::Discover, u32::from(n), mac(n));
        m.broadcast = true;
        m
    }

    fn select(offer: &DhcpMessage, n: u8) -> DhcpMessage {
        let mut m = DhcpMessage::request(MessageType::Request, u32::from(n), mac(n));
        m.broadcast = true;
        m.requested_ip = Some(offer.yiaddr);
        m.server_id = offer.server_id;
        m
    }

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn clients_get_the_lowest_free_addresses_with_the_options() {
        let mut p = pool(3);
        for n in 1..=3 {
            let (reply, event) = p.handle(&discover(n), secs(0));
            let offer = reply.expect("an offer").message;
            let addr = Ipv4Addr::new(192, 168, 1, 99 + n);
            assert_eq!(event, PoolEvent::Offered(addr, mac(n)));
            assert_eq!(offer.yiaddr, addr);
            let (ack, event) = p.handle(&select(&offer, n), secs(1));
            let ack = ack.expect("an ack");
            assert_eq!(event, PoolEvent::Acked(addr, mac(n)));
            assert_eq!(ack.to, ReplyTo::Broadcast);
            let m = ack.message;
            assert_eq!(
                (m.lease_time, m.renewal_time, m.rebinding_time),
                (Some(60), Some(30), Some(52))
            );
            assert_eq!(m.routers, vec![Ipv4Addr::new(192, 168, 1, 1)]);
            assert_eq!(m.server_id, Some(SERVER));
        }
        // The pool is exhausted: a fourth client hears nothing.
        assert_eq!(
            p.handle(&discover(4), secs(2)),
            (None, PoolEvent::Exhausted(mac(4)))
        );
    }

    #[test]
    fn a_renewal_is_acked_by_unicast_and_an_expired_lease_can_go_to_another() {
        let mut p = pool(1);
        let offer = p.handle(&discover(1), secs(0)).0.unwrap().message;
        p.handle(&select(&offer, 1), secs(0));
        let mut renew = DhcpMessage::request(MessageType::Request, 9, mac(1));
        renew.ciaddr = offer.yiaddr;
        let (ack, event) = p.handle(&renew, secs(30));
        assert_eq!(event, PoolEvent::Acked(offer.yiaddr, mac(1)));
        assert_eq!(ack.unwrap().to, ReplyTo::Unicast(offer.yiaddr, CLIENT_PORT));
        // Renewed at 30 s, so still held at 80 s; free at 90 s.
        assert_eq!(
            p.handle(&discover(2), secs(80)).1,
            PoolEvent::Exhausted(mac(2))
        );
        assert_eq!(
            p.handle(&discover(2), secs(90)).1,
            PoolEvent::Offered(offer.yiaddr, mac(2))
        );
        // Client 1 comes back too late: refused.
        let (nak, event) = p.handle(&renew, secs(91));
        assert_eq!(event, PoolEvent::Refused(offer.yiaddr, mac(1)));
        let nak = nak.unwrap();
        assert_eq!(
            (nak.to, nak.message.message_type),
            (ReplyTo::Broadcast, Some(MessageType::Nak))
        );
    }

    #[test]
    fn an_offer_is_held_then_freed_and_another_server_s_choice_frees_it() {
        let mut p = pool(1);
        let offer = p.handle(&discover(1), secs(0)).0.unwrap().message;
        assert_eq!(
            p.handle(&discover(2), secs(10)).1,
            PoolEvent::Exhausted(mac(2))
        );
        assert!(matches!(
            p.handle(&discover(2), secs(31)).1,
            PoolEvent::Offered(..)
        ));
        let mut elsewhere = select(&offer, 2);
        elsewhere.server_id = Some(Ipv4Addr::new(192, 168, 1, 3));
        assert_eq!(
            p.handle(&elsewhere, secs(32)),
            (None, PoolEvent::OtherServer(mac(2)))
        );
        assert!(matches!(
            p.handle(&discover(3), secs(33)).1,
            PoolEvent::Offered(..)
        ));
    }

    #[test]
    fn a_client_gets_its_own_address_back_and_replies_are_ignored() {
        let mut p = pool(3);
        let first = p.handle(&discover(1), secs(0)).0.unwrap().message.yiaddr;
        p.handle(&discover(2), secs(0));
        let again = p.handle(&discover(1), secs(5)).0.unwrap().message.yiaddr;
        assert_eq!(first, again);
        let mut reply = discover(1);
        reply.reply = true;
        assert_eq!(p.handle(&reply, secs(6)), (None, PoolEvent::Ignored));
    }
}
