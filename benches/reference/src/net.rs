//! The shared network: smoltcp hosts, each an Ethernet [`Interface`] with its
//! own [`SocketSet`] and in-memory [`Port`] device, on one switch that
//! forwards frames by destination MAC (broadcasts to every other port),
//! driven in virtual time by [`Lan::run`].
//!
//! A frame crosses two links (host to switch, switch to host), as in
//! simnet's one-switch topologies: it arrives `2 × latency` after it was
//! sent, and each link drops it with probability `loss`, drawn from a
//! seeded splitmix64 generator. Bandwidth and queues are not modelled.
//! A broadcast is logged once, and each other host takes it into its port
//! just before its next poll (at the same instant), so N hosts do not each
//! hold a copy of a burst of broadcasts at once.
//! Host `k` has MAC `02:00:00:KK:KK:KK` (`k` in 24 bits), so the switch
//! needs no MAC table.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::rc::Rc;

use smoltcp::iface::{Config, Interface, SocketSet};
use smoltcp::phy::{self, DeviceCapabilities, Medium};
use smoltcp::time::{Duration, Instant};
use smoltcp::wire::{EthernetAddress, HardwareAddress, IpCidr, Ipv4Address};

/// A frame as its sender transmitted it.
type Frame = Vec<u8>;

/// A frame delivered to a port: its own, or shared by every port a
/// broadcast reached.
enum Delivered {
    /// A unicast frame, moved from its sender.
    Own(Frame),
    /// A broadcast frame.
    Shared(Rc<[u8]>),
}

/// The largest Ethernet frame a port sends, header included (a 1500-byte
/// IP MTU).
const FRAME_MTU: usize = 1514;

/// The parameters of every link of a [`Lan`].
#[derive(Clone, Copy, Debug)]
pub struct Link {
    /// One link's propagation delay.
    pub latency: Duration,
    /// The probability that one link drops a frame.
    pub loss: f64,
}

/// A host's network device: the frames delivered to it and those it sent.
#[derive(Default)]
pub struct Port {
    /// Frames the switch delivered, oldest first.
    rx: VecDeque<Delivered>,
    /// Frames the interface transmitted since the switch last took them.
    tx: Vec<Frame>,
}

/// A token for one received frame.
pub struct PortRx(Delivered);

/// A token for one frame to transmit, onto the port's outgoing frames.
pub struct PortTx<'a>(&'a mut Vec<Frame>);

impl phy::RxToken for PortRx {
    fn consume<R, F>(self, f: F) -> R
    where
        F: FnOnce(&[u8]) -> R,
    {
        match &self.0 {
            Delivered::Own(frame) => f(frame),
            Delivered::Shared(frame) => f(frame),
        }
    }
}

impl phy::TxToken for PortTx<'_> {
    fn consume<R, F>(self, len: usize, f: F) -> R
    where
        F: FnOnce(&mut [u8]) -> R,
    {
        let mut frame = vec![0u8; len];
        let result = f(&mut frame);
        self.0.push(frame);
        result
    }
}

impl phy::Device for Port {
    type RxToken<'a> = PortRx;
    type TxToken<'a> = PortTx<'a>;

    fn receive(&mut self, _now: Instant) -> Option<(PortRx, PortTx<'_>)> {
        let frame = self.rx.pop_front()?;
        Some((PortRx(frame), PortTx(&mut self.tx)))
    }

    fn transmit(&mut self, _now: Instant) -> Option<PortTx<'_>> {
        Some(PortTx(&mut self.tx))
    }

    fn capabilities(&self) -> DeviceCapabilities {
        let mut caps = DeviceCapabilities::default();
        caps.medium = Medium::Ethernet;
        caps.max_transmission_unit = FRAME_MTU;
        caps
    }
}

/// One host: an Ethernet interface, its sockets and its port.
pub struct Host {
    /// The host's smoltcp interface.
    pub iface: Interface,
    /// The host's sockets.
    pub sockets: SocketSet<'static>,
    /// The host's device.
    pub port: Port,
}

/// What a workload does on the hosts, between their polls.
pub trait App {
    /// Called right after host `index` was polled at `now`; true when it
    /// queued something (data, a connect, a close), so the host must be
    /// polled again before the switch moves on.
    fn step(&mut self, index: usize, host: &mut Host, now: Instant) -> bool;

    /// Whether the workload has finished (verified or failed).
    fn done(&self) -> bool;
}

/// A frame between its sender and the switch's output ports.
struct InFlight {
    /// When it reaches the far hosts.
    at: Instant,
    /// The host that sent it.
    from: usize,
    /// The frame.
    frame: Frame,
}

/// Hosts on one switch, in virtual time.
pub struct Lan {
    /// The hosts, host `k` on switch port `k`.
    hosts: Vec<Host>,
    /// Every link's parameters.
    link: Link,
    /// Frames in flight, in order of arrival (the latency is constant).
    flight: VecDeque<InFlight>,
    /// The virtual clock.
    now: Instant,
    /// The loss generator's splitmix64 state.
    rng: u64,
    /// Hosts' wake-up times (smoltcp's `poll_at` and workload starts).
    timers: BinaryHeap<Reverse<(Instant, usize)>>,
    /// The last wake-up time pushed for each host, to avoid duplicates.
    wake: Vec<Option<Instant>>,
    /// Every broadcast frame delivered so far, with its sender: a host
    /// takes those it has not seen into its port just before it is polled
    /// (rather than every port queueing each one at once).
    broadcasts: Vec<(usize, Rc<[u8]>)>,
    /// How many of `broadcasts` each host has taken.
    seen: Vec<usize>,
    /// Hosts to poll at `now`, in order.
    ready: VecDeque<usize>,
    /// Whether each host is in `ready`.
    queued: Vec<bool>,
}

/// The MAC address of host `index`.
pub fn mac(index: usize) -> EthernetAddress {
    let k = index as u32;
    EthernetAddress([0x02, 0, 0, (k >> 16) as u8, (k >> 8) as u8, k as u8])
}

/// The host a unicast MAC address names, if it is one of ours.
fn host_of(mac: &[u8]) -> Option<usize> {
    match mac {
        [0x02, 0, 0, a, b, c] => {
            Some(usize::from(*a) << 16 | usize::from(*b) << 8 | usize::from(*c))
        }
        _ => None,
    }
}

impl Lan {
    /// An empty switch with room for `hosts` hosts, whose links all have
    /// `link`'s parameters.
    pub fn new(link: Link, hosts: usize) -> Self {
        Lan {
            hosts: Vec::with_capacity(hosts),
            link,
            flight: VecDeque::new(),
            now: Instant::ZERO,
            rng: 0x5eed_0f51_6e7e_0001,
            timers: BinaryHeap::new(),
            wake: Vec::new(),
            broadcasts: Vec::new(),
            seen: Vec::new(),
            ready: VecDeque::new(),
            queued: Vec::new(),
        }
    }

    /// Adds a host with address `ip/prefix` on the next port; its index.
    pub fn add_host(&mut self, ip: Ipv4Address, prefix: u8) -> usize {
        let index = self.hosts.len();
        let mut port = Port::default();
        let mut config = Config::new(HardwareAddress::Ethernet(mac(index)));
        config.random_seed = 0x00c0_ffee ^ index as u64;
        let mut iface = Interface::new(config, &mut port, self.now);
        iface.update_ip_addrs(|addrs| {
            // One address, on an interface made with none: cannot be full.
            let _ = addrs.push(IpCidr::new(ip.into(), prefix));
        });
        self.hosts.push(Host {
            iface,
            sockets: SocketSet::new(Vec::new()),
            port,
        });
        self.wake.push(None);
        self.seen.push(0);
        self.queued.push(false);
        index
    }

    /// Host `index`, to add sockets to before the run.
    pub fn host_mut(&mut self, index: usize) -> &mut Host {
        &mut self.hosts[index]
    }

    /// Polls host `index` (and runs its workload step) at `at`.
    pub fn wake_at(&mut self, index: usize, at: Instant) {
        self.timers.push(Reverse((at, index)));
    }

    /// A uniform draw from [0, 1).
    fn uniform(&mut self) -> f64 {
        self.rng = self.rng.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Whether one link drops the frame now crossing it.
    fn dropped(&mut self) -> bool {
        self.link.loss > 0.0 && self.uniform() < self.link.loss
    }

    /// Queues host `index` to be polled at `now`.
    fn make_ready(&mut self, index: usize) {
        if !self.queued[index] {
            self.queued[index] = true;
            self.ready.push_back(index);
        }
    }

    /// Polls host `index` until its workload step queues nothing more, puts
    /// what it sent on the wire and schedules its next wake-up.
    fn poll_host(&mut self, index: usize, app: &mut impl App) {
        let now = self.now;
        for k in self.seen[index]..self.broadcasts.len() {
            if self.broadcasts[k].0 != index && !self.dropped() {
                let frame = Delivered::Shared(Rc::clone(&self.broadcasts[k].1));
                self.hosts[index].port.rx.push_back(frame);
            }
        }
        self.seen[index] = self.broadcasts.len();
        let host = &mut self.hosts[index];
        loop {
            host.iface.poll(now, &mut host.port, &mut host.sockets);
            if !app.step(index, host, now) {
                break;
            }
        }
        let next = host.iface.poll_at(now, &host.sockets);
        // A burst of broadcasts grew the queue: give the memory back, so
        // that N hosts do not each keep room for a burst.
        if host.port.rx.capacity() > 64 {
            host.port.rx.shrink_to(16);
        }
        let sent = std::mem::take(&mut host.port.tx);
        for frame in sent {
            if !self.dropped() {
                self.flight.push_back(InFlight {
                    at: now + self.link.latency * 2,
                    from: index,
                    frame,
                });
            }
        }
        if let Some(at) = next {
            // smoltcp's "now" (time zero) after a full poll means a step it
            // could not take: retry a microsecond later, not in a busy loop.
            let at = at.max(now + Duration::from_micros(1));
            if self.wake[index] != Some(at) {
                self.wake[index] = Some(at);
                self.timers.push(Reverse((at, index)));
            }
        }
    }

    /// Hands `item` to the host it is addressed to, or every other host for
    /// a broadcast, each over its own link.
    fn deliver(&mut self, item: InFlight) {
        let dst = &item.frame[..6];
        if dst == [0xff; 6] {
            self.broadcasts.push((item.from, item.frame.into()));
            for to in 0..self.hosts.len() {
                if to != item.from {
                    self.make_ready(to);
                }
            }
        } else if let Some(to) = host_of(dst).filter(|&to| to < self.hosts.len()) {
            if !self.dropped() {
                self.hosts[to].port.rx.push_back(Delivered::Own(item.frame));
                self.make_ready(to);
            }
        }
    }

    /// Runs `app` from time zero (every host polled once then) until it is
    /// done, nothing is left to happen, or virtual time passes `limit`;
    /// whether it is done.
    pub fn run(&mut self, app: &mut impl App, limit: Instant) -> bool {
        for index in 0..self.hosts.len() {
            self.make_ready(index);
        }
        loop {
            while let Some(index) = self.ready.pop_front() {
                self.queued[index] = false;
                self.poll_host(index, app);
            }
            if app.done() {
                return true;
            }
            let next_frame = self.flight.front().map(|f| f.at);
            let next_timer = self.timers.peek().map(|Reverse((at, _))| *at);
            let next = match (next_frame, next_timer) {
                (Some(a), Some(b)) => a.min(b),
                (a, b) => match a.or(b) {
                    Some(t) => t,
                    None => return false,
                },
            };
            if next > limit {
                return false;
            }
            self.now = self.now.max(next);
            while self.flight.front().is_some_and(|f| f.at <= self.now) {
                if let Some(item) = self.flight.pop_front() {
                    self.deliver(item);
                }
            }
            while let Some(&Reverse((at, index))) = self.timers.peek() {
                if at > self.now {
                    break;
                }
                self.timers.pop();
                if self.wake[index] == Some(at) {
                    self.wake[index] = None;
                }
                self.make_ready(index);
            }
        }
    }

    /// The virtual time now.
    pub fn now(&self) -> Instant {
        self.now
    }
}
