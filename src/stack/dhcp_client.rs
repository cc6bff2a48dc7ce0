//! A DHCP client (RFC 2131 §4.4): the state machine of Figure 5, without
//! I/O. The node (`dhcp_io.rs`) sends what it asks, arms its timer, and
//! configures or clears the interface when it says so.
//!
//! ```text
//!  INIT ──DISCOVER──▶ SELECTING ──OFFER / REQUEST──▶ REQUESTING ──ACK──▶ BOUND
//!   ▲                                                   │ NAK             │ T1
//!   └──────────── lease expired, or NAK ◀── REBINDING ◀─T2── RENEWING ◀───┘
//! ```
//!
//! A client without an address broadcasts, and asks for broadcast replies
//! (it cannot take unicast before it is configured, §4.1). Lost messages
//! are sent again after 4, 8, 16, 32 and then every 64 s, each ±1 s at
//! random (§4.1). A bound client renews at T1 (half the lease) by unicast
//! to its server, rebinds at T2 (7/8) by broadcast to any server, and
//! gives the address up when the lease ends (§4.4.5).

use std::net::Ipv4Addr;
use std::time::Duration;

use crate::sim::rng::RngStream;
use crate::sim::SimTime;
use crate::trace::event::DhcpNote;
use crate::wire::dhcp::{DhcpMessage, MessageType};
use crate::wire::MacAddr;

/// The options a client asks for (option 55): mask, router, DNS, lease,
/// server id, T1, T2.
const PARAMETERS: [u8; 7] = [1, 3, 6, 51, 54, 58, 59];

/// REQUESTs sent in REQUESTING before starting over with a DISCOVER.
const REQUEST_TRIES: u32 = 4;

/// The shortest wait before a REQUEST is sent again in RENEWING and
/// REBINDING (RFC 2131 §4.4.5: "down to a minimum of 60 seconds").
const MIN_RENEW_RETRY: Duration = Duration::from_secs(60);

/// Where the client is (RFC 2131 Figure 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DhcpState {
    /// Looking for a server: DISCOVER sent.
    Selecting,
    /// An offer taken: REQUEST sent.
    Requesting,
    /// Configured.
    Bound,
    /// At T1: asking its server to extend the lease.
    Renewing,
    /// At T2: asking any server.
    Rebinding,
}

/// An address lease as the client holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lease {
    /// The address.
    pub addr: Ipv4Addr,
    /// Its subnet's prefix length, from the subnet mask option.
    pub prefix_len: u8,
    /// The default gateway (option 3), if the server gave one.
    pub router: Option<Ipv4Addr>,
    /// The DNS server (option 6), if the server gave one.
    pub dns: Option<Ipv4Addr>,
    /// The server that granted it (option 54).
    pub server: Ipv4Addr,
    /// How long it lasts (option 51).
    pub length: Duration,
    /// When it was granted.
    pub start: SimTime,
}

impl Lease {
    /// T1: when to renew (option 58, or half the lease).
    fn t1(&self, renewal: Option<u32>) -> SimTime {
        self.start + renewal.map_or(self.length / 2, secs)
    }

    /// T2: when to rebind (option 59, or 7/8 of the lease).
    fn t2(&self, rebinding: Option<u32>) -> SimTime {
        self.start + rebinding.map_or(self.length * 7 / 8, secs)
    }

    /// When it ends.
    pub fn end(&self) -> SimTime {
        self.start + self.length
    }
}

fn secs(s: u32) -> Duration {
    Duration::from_secs(u64::from(s))
}

/// What the client asks of its node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Broadcast this message from port 68 to 255.255.255.255 port 67;
    /// from 0.0.0.0 unless the message's `ciaddr` is set (REBINDING).
    Broadcast(DhcpMessage),
    /// Send this message to the server, from the leased address.
    Unicast(DhcpMessage, Ipv4Addr),
    /// Configure the interface with this lease.
    Bind(Lease),
    /// Clear the interface's address: the lease is gone.
    Unbind,
    /// Call [`DhcpClient::on_timer`] at this time.
    Arm(SimTime),
    /// Say this in the trace.
    Note(DhcpNote),
}

/// The DHCP client of one interface.
#[derive(Clone, Debug)]
pub struct DhcpClient {
    mac: MacAddr,
    state: DhcpState,
    xid: u32,
    /// When the current exchange began (for `secs`).
    began: SimTime,
    /// Messages sent in this state so far.
    tries: u32,
    /// When the armed timer is due; an earlier arming that fires is stale.
    due: Option<SimTime>,
    /// The offer taken in REQUESTING: its address and server.
    offer: Option<(Ipv4Addr, Ipv4Addr)>,
    lease: Option<Lease>,
    /// T1 and T2 of the lease, as the server set them.
    t1: SimTime,
    t2: SimTime,
    rng: RngStream,
    started: bool,
}

impl DhcpClient {
    /// A client for the interface with hardware address `mac`, drawing its
    /// transaction ids and retransmission jitter from `rng`.
    pub fn new(mac: MacAddr, rng: RngStream) -> DhcpClient {
        DhcpClient {
            mac,
            state: DhcpState::Selecting,
            xid: 0,
            began: SimTime::ZERO,
            tries: 0,
            due: None,
            offer: None,
            lease: None,
            t1: SimTime::ZERO,
            t2: SimTime::ZERO,
            rng,
            started: false,
        }
    }

    /// Whether [`DhcpClient::start`] was called.
    pub fn is_started(&self) -> bool {
        self.started
    }

    /// Where the client is.
    pub fn state(&self) -> DhcpState {
        self.state
    }

    /// The lease it holds, when bound (or renewing, or rebinding).
    pub fn lease(&self) -> Option<&Lease> {
        self.lease.as_ref()
    }

    /// The interface came up: INIT, so look for a server.
    pub fn start(&mut self, now: SimTime) -> Vec<Action> {
        self.started = true;
        self.xid = self.rng.next_u32();
        self.began = now;
        self.tries = 0;
        self.offer = None;
        self.state = DhcpState::Selecting;
        let mut actions = vec![Action::Note(DhcpNote::Discovering)];
        actions.extend(self.send(now));
        actions
    }

    /// The wait before try number `tries` + 1 in SELECTING and REQUESTING:
    /// 4, 8, 16, 32, then 64 s, ±1 s (RFC 2131 §4.1).
    fn backoff(&mut self) -> Duration {
        let base = 4u64 << self.tries.min(4);
        let jitter_ms = u64::from(self.rng.next_u32() % 2001);
        Duration::from_millis(base * 1000 + jitter_ms - 1000)
    }

    fn message(&self, kind: MessageType, now: SimTime) -> DhcpMessage {
        let mut m = DhcpMessage::request(kind, self.xid, self.mac);
        let waited = now.saturating_since(self.began).as_secs();
        m.secs = u16::try_from(waited).unwrap_or(u16::MAX);
        m.parameter_list = PARAMETERS.to_vec();
        m
    }

    /// The message of the current state, sent (again), and the timer
    /// after it.
    fn send(&mut self, now: SimTime) -> Vec<Action> {
        let mut actions = Vec::new();
        match self.state {
            DhcpState::Selecting | DhcpState::Requesting => {
                let mut m = if self.state == DhcpState::Selecting {
                    self.message(MessageType::Discover, now)
                } else {
                    self.message(MessageType::Request, now)
                };
                m.broadcast = true;
                if let (DhcpState::Requesting, Some((addr, server))) = (self.state, self.offer) {
                    m.requested_ip = Some(addr);
                    m.server_id = Some(server);
                }
                actions.push(Action::Broadcast(m));
                let at = now + self.backoff();
                actions.push(self.arm(at));
            }
            DhcpState::Renewing | DhcpState::Rebinding => {
                let Some(lease) = self.lease else {
                    return actions;
                };
                let mut m = self.message(MessageType::Request, now);
                m.ciaddr = lease.addr;
                let (next_stage, action) = if self.state == DhcpState::Renewing {
                    (self.t2, Action::Unicast(m, lease.server))
                } else {
                    (lease.end(), Action::Broadcast(m))
                };
                actions.push(action);
                // Half the time left to the next stage, but at least 60 s,
                // and never past it (RFC 2131 §4.4.5).
                let half = next_stage.saturating_since(now) / 2;
                let retry = now + half.max(MIN_RENEW_RETRY);
                actions.push(self.arm(retry.min(next_stage)));
            }
            DhcpState::Bound => {}
        }
        self.tries += 1;
        actions
    }

    fn arm(&mut self, at: SimTime) -> Action {
        self.due = Some(at);
        Action::Arm(at)
    }

    /// The timer fired at `now`.
    pub fn on_timer(&mut self, now: SimTime) -> Vec<Action> {
        if self.due != Some(now) {
            return Vec::new(); // stale: the state moved on since it was armed
        }
        self.due = None;
        let expired = self.lease.is_some_and(|l| now >= l.end());
        match self.state {
            _ if expired => {
                let addr = self.lease.take().map_or(Ipv4Addr::UNSPECIFIED, |l| l.addr);
                let mut actions = vec![Action::Unbind, Action::Note(DhcpNote::Expired { addr })];
                actions.extend(self.start(now));
                actions
            }
            DhcpState::Requesting if self.tries >= REQUEST_TRIES => self.start(now),
            DhcpState::Selecting | DhcpState::Requesting => self.send(now),
            DhcpState::Bound if now >= self.t1 => {
                self.enter(DhcpState::Renewing, now);
                let mut actions = vec![Action::Note(DhcpNote::Renewing)];
                actions.extend(self.send(now));
                actions
            }
            DhcpState::Renewing if now >= self.t2 => {
                self.enter(DhcpState::Rebinding, now);
                let mut actions = vec![Action::Note(DhcpNote::Rebinding)];
                actions.extend(self.send(now));
                actions
            }
            DhcpState::Renewing | DhcpState::Rebinding => self.send(now),
            DhcpState::Bound => Vec::new(),
        }
    }

    fn enter(&mut self, state: DhcpState, now: SimTime) {
        self.state = state;
        self.tries = 0;
        self.xid = self.rng.next_u32();
        self.began = now;
    }

    /// A message for port 68 arrived: act on it if it answers us.
    pub fn on_message(&mut self, now: SimTime, m: &DhcpMessage) -> Vec<Action> {
        if !m.reply || m.xid != self.xid || m.chaddr != self.mac {
            return Vec::new();
        }
        match (self.state, m.message_type) {
            // The first offer wins (RFC 2131 §4.4.1 lets the client choose).
            (DhcpState::Selecting, Some(MessageType::Offer)) => {
                let Some(server) = m.server_id else {
                    return Vec::new(); // §4.3.1: an offer must name its server
                };
                self.offer = Some((m.yiaddr, server));
                self.state = DhcpState::Requesting;
                self.tries = 0;
                let mut actions = vec![Action::Note(DhcpNote::Offered {
                    addr: m.yiaddr,
                    server,
                })];
                actions.extend(self.send(now));
                actions
            }
            (
                DhcpState::Requesting | DhcpState::Renewing | DhcpState::Rebinding,
                Some(MessageType::Ack),
            ) => self.bind(now, m),
            (
                DhcpState::Requesting | DhcpState::Renewing | DhcpState::Rebinding,
                Some(MessageType::Nak),
            ) => {
                let mut actions = Vec::new();
                if self.lease.take().is_some() {
                    actions.push(Action::Unbind);
                }
                actions.push(Action::Note(DhcpNote::Refused {
                    server: m.server_id.unwrap_or(Ipv4Addr::UNSPECIFIED),
                }));
                actions.extend(self.start(now));
                actions
            }
            _ => Vec::new(),
        }
    }

    fn bind(&mut self, now: SimTime, m: &DhcpMessage) -> Vec<Action> {
        let renewed = self.lease.is_some_and(|l| l.addr == m.yiaddr);
        let server = m
            .server_id
            .or(self.lease.map(|l| l.server))
            .unwrap_or(Ipv4Addr::UNSPECIFIED);
        let mask = m
            .subnet_mask
            .map_or(32, |mask| u32::from(mask).leading_ones());
        let lease = Lease {
            addr: m.yiaddr,
            prefix_len: mask as u8,
            router: m.routers.first().copied(),
            dns: m.dns.first().copied(),
            server,
            // A lease without a length is "infinite" to RFC 2131; a day
            // keeps the client's timers finite.
            length: m.lease().unwrap_or(Duration::from_secs(86_400)),
            start: now,
        };
        self.t1 = lease.t1(m.renewal_time);
        self.t2 = lease.t2(m.rebinding_time).max(self.t1);
        self.lease = Some(lease);
        self.state = DhcpState::Bound;
        self.tries = 0;
        let t1 = self.t1;
        let mut actions = Vec::new();
        if !renewed {
            actions.push(Action::Bind(lease));
        }
        actions.push(Action::Note(if renewed {
            DhcpNote::Renewed {
                addr: lease.addr,
                lease: lease.length,
                renew_in: t1.saturating_since(now),
            }
        } else {
            DhcpNote::Bound {
                addr: lease.addr,
                prefix_len: lease.prefix_len,
                router: lease.router,
                dns: lease.dns,
                lease: lease.length,
                renew_in: t1.saturating_since(now),
            }
        }));
        actions.push(self.arm(t1));
        actions
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAC: MacAddr = MacAddr([2, 0, 0, 0, 0, 1]);
    const SERVER: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 1);
    const ADDR: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 100);

    fn client() -> DhcpClient {
        DhcpClient::new(MAC, RngStream::new(1, "dhcp test"))
    }

    fn at(secs: f64) -> SimTime {
        SimTime::ZERO + Duration::from_secs_f64(secs)
    }

    fn sent(actions: &[Action]) -> &DhcpMessage {
        actions
            .iter()
            .find_map(|a| match a {
                Action::Broadcast(m) | Action::Unicast(m, _) => Some(m),
                _ => None,
            })
            .expect("a message is sent")
    }

    fn armed(actions: &[Action]) -> SimTime {
        actions
            .iter()
            .find_map(|a| match a {
                Action::Arm(t) => Some(*t),
                _ => None,
            })
            .expect("a timer is armed")
    }

    fn reply(to: &DhcpMessage, kind: MessageType) -> DhcpMessage {
        let mut r = DhcpMessage::reply_to(to, kind);
        r.yiaddr = ADDR;
        r.server_id = Some(SERVER);
        r.lease_time = Some(60);
        r.subnet_mask = Some(Ipv4Addr::new(255, 255, 255, 0));
        r.routers = vec![SERVER];
        r.dns = vec![SERVER];
        r
    }

    /// DISCOVER, OFFER, REQUEST, ACK: the client is bound and renews at T1.
    fn bound() -> (DhcpClient, DhcpMessage) {
        let mut c = client();
        let discover = sent(&c.start(at(0.0))).clone();
        let offer = reply(&discover, MessageType::Offer);
        let request = sent(&c.on_message(at(0.01), &offer)).clone();
        let ack = reply(&request, MessageType::Ack);
        let actions = c.on_message(at(0.02), &ack);
        assert!(actions
            .iter()
            .any(|a| matches!(a, Action::Bind(l) if l.addr == ADDR && l.prefix_len == 24)));
        assert_eq!(armed(&actions), at(30.02), "T1 is half the lease");
        (c, request)
    }

    #[test]
    fn the_four_messages_bind_the_lease() {
        let mut c = client();
        let discover = sent(&c.start(at(0.0))).clone();
        assert_eq!(discover.message_type, Some(MessageType::Discover));
        assert!(discover.broadcast && !discover.reply);
        assert_eq!(discover.parameter_list, PARAMETERS);
        let request = sent(&c.on_message(at(0.01), &reply(&discover, MessageType::Offer))).clone();
        assert_eq!(request.message_type, Some(MessageType::Request));
        assert_eq!(request.xid, discover.xid, "one exchange, one xid");
        assert_eq!(
            (request.requested_ip, request.server_id),
            (Some(ADDR), Some(SERVER))
        );
        assert_eq!(request.ciaddr, Ipv4Addr::UNSPECIFIED);
        let (c, _) = bound();
        assert_eq!(c.state(), DhcpState::Bound);
        assert_eq!(
            c.lease().map(|l| (l.router, l.dns)),
            Some((Some(SERVER), Some(SERVER)))
        );
    }

    #[test]
    fn lost_discovers_are_sent_again_after_4_8_16_32_and_64_s() {
        let mut c = client();
        let mut t = armed(&c.start(at(0.0)));
        let mut gaps = Vec::new();
        let mut last = at(0.0);
        for _ in 0..6 {
            let actions = c.on_timer(t);
            assert_eq!(sent(&actions).message_type, Some(MessageType::Discover));
            gaps.push(t.saturating_since(last).as_secs_f64());
            last = t;
            t = armed(&actions);
        }
        for (gap, want) in gaps.iter().zip([4.0, 8.0, 16.0, 32.0, 64.0, 64.0]) {
            assert!((gap - want).abs() <= 1.0, "{gaps:?}");
        }
    }

    #[test]
    fn renewal_at_t1_is_unicast_and_extends_the_lease() {
        let (mut c, _) = bound();
        let actions = c.on_timer(at(30.02));
        assert_eq!(c.state(), DhcpState::Renewing);
        let Some(Action::Unicast(request, to)) =
            actions.iter().find(|a| matches!(a, Action::Unicast(..)))
        else {
            panic!("{actions:?}");
        };
        assert_eq!(
            (*to, request.ciaddr, request.server_id),
            (SERVER, ADDR, None)
        );
        assert!(!request.broadcast);
        let ack = reply(request, MessageType::Ack);
        let actions = c.on_message(at(30.03), &ack);
        assert!(
            !actions.iter().any(|a| matches!(a, Action::Bind(_))),
            "already configured"
        );
        assert!(actions
            .iter()
            .any(|a| matches!(a, Action::Note(DhcpNote::Renewed { .. }))));
        assert_eq!(armed(&actions), at(60.03));
    }

    #[test]
    fn without_answers_the_client_rebinds_then_gives_the_address_up() {
        let (mut c, _) = bound();
        let renewing = c.on_timer(at(30.02));
        // T2 at 7/8 of 60 s: the retry waits for it (60 s minimum, capped).
        assert_eq!(armed(&renewing), at(52.52));
        let rebinding = c.on_timer(at(52.52));
        assert_eq!(c.state(), DhcpState::Rebinding);
        assert!(matches!(sent(&rebinding), m if m.ciaddr == ADDR));
        assert!(matches!(rebinding[1], Action::Broadcast(_)));
        assert_eq!(armed(&rebinding), at(60.02), "the lease's end");
        let expired = c.on_timer(at(60.02));
        assert_eq!(expired[0], Action::Unbind);
        assert_eq!(
            c.state(),
            DhcpState::Selecting,
            "back to INIT: a new DISCOVER"
        );
        assert!(c.lease().is_none());
    }

    #[test]
    fn a_nak_or_a_stranger_s_reply_is_handled_as_rfc_2131_says() {
        let (mut c, request) = bound();
        let mut other = reply(&request, MessageType::Ack);
        other.xid ^= 1;
        assert!(
            c.on_message(at(1.0), &other).is_empty(),
            "another exchange's xid"
        );
        let renewing = c.on_timer(at(30.02));
        let nak = reply(sent(&renewing), MessageType::Nak);
        let actions = c.on_message(at(30.05), &nak);
        assert_eq!(actions[0], Action::Unbind);
        assert_eq!(c.state(), DhcpState::Selecting);
        // A timer armed before the NAK is stale now.
        assert!(c.on_timer(at(52.52)).is_empty());
    }
}
