//! The test wire: two connections A (the client, `connect`) and B (created
//! by `accept` when A's SYN arrives), a one-way delay, and a `fate` for each
//! segment (deliver, drop, delay, duplicate). Plus helpers to drive one
//! `Tcb` with hand-built segments.

use std::net::{Ipv4Addr, SocketAddrV4};
use std::time::Duration;

use crate::sim::SimTime;
use crate::wire::tcp::{TcpFlags, TcpRepr};

use super::super::{Endpoints, State, Tcb, TcpConfig, TcpEvent};

pub const ISS_A: u32 = 1000;
pub const ISS_B: u32 = 5000;
pub const PORT_A: u16 = 40000;
pub const PORT_B: u16 = 80;

pub fn ends_a() -> Endpoints {
    Endpoints {
        local: SocketAddrV4::new(Ipv4Addr::new(10, 0, 0, 1), PORT_A),
        remote: SocketAddrV4::new(Ipv4Addr::new(10, 0, 0, 2), PORT_B),
    }
}

pub fn ends_b() -> Endpoints {
    let a = ends_a();
    Endpoints {
        local: a.remote,
        remote: a.local,
    }
}

pub fn ms(n: u64) -> SimTime {
    SimTime::from_millis(n)
}

pub fn dur(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A segment on the wire.
#[derive(Clone, Debug)]
pub struct Seg {
    /// When it was sent.
    pub at: SimTime,
    pub from_a: bool,
    pub repr: TcpRepr,
    pub data: Vec<u8>,
}

/// What the wire does with a segment.
#[allow(dead_code)]
pub enum Fate {
    Deliver,
    Drop,
    /// Deliver this much later than the normal delay.
    Delay(Duration),
    /// Deliver twice.
    Duplicate,
}

pub struct Net {
    pub now: SimTime,
    pub a: Tcb,
    pub b: Option<Tcb>,
    pub config_b: TcpConfig,
    pub iss_b: u32,
    pub delay: Duration,
    pub fate: Box<dyn FnMut(&Seg) -> Fate>,
    /// Every segment sent, before its fate.
    pub sent: Vec<Seg>,
    /// Segments delivered, with their arrival time.
    pub delivered: Vec<(SimTime, Seg)>,
    pub events_a: Vec<(SimTime, TcpEvent)>,
    pub events_b: Vec<(SimTime, TcpEvent)>,
    /// In flight: (arrival, insertion order, segment).
    wire: Vec<(SimTime, u64, Seg)>,
    order: u64,
    /// B reads everything as it arrives, into `read_b`.
    pub auto_read_b: bool,
    pub read_b: Vec<u8>,
    /// A writes this as the send buffer allows.
    pub source_a: Vec<u8>,
    pub written_a: usize,
    /// A closes once `source_a` is all written.
    pub close_a_after_source: bool,
}

impl Net {
    pub fn new(config_a: TcpConfig, config_b: TcpConfig, delay: Duration) -> Net {
        Net::with_iss(config_a, config_b, delay, ISS_A, ISS_B)
    }

    pub fn with_iss(
        config_a: TcpConfig,
        config_b: TcpConfig,
        delay: Duration,
        iss_a: u32,
        iss_b: u32,
    ) -> Net {
        let mut net = Net {
            now: SimTime::ZERO,
            a: Tcb::connect(SimTime::ZERO, ends_a(), iss_a, config_a),
            b: None,
            config_b,
            iss_b,
            delay,
            fate: Box::new(|_| Fate::Deliver),
            sent: Vec::new(),
            delivered: Vec::new(),
            events_a: Vec::new(),
            events_b: Vec::new(),
            wire: Vec::new(),
            order: 0,
            auto_read_b: false,
            read_b: Vec::new(),
            source_a: Vec::new(),
            written_a: 0,
            close_a_after_source: false,
        };
        net.collect_api_events();
        net
    }

    /// A connection with default configs and a 50 ms one-way delay, run
    /// until both sides are established (B at 150 ms).
    pub fn established() -> Net {
        Net::established_with(TcpConfig::classic(), TcpConfig::classic())
    }

    pub fn established_with(config_a: TcpConfig, config_b: TcpConfig) -> Net {
        let mut net = Net::new(config_a, config_b, dur(50));
        net.run_until(ms(150));
        assert_eq!(net.states(), (State::Established, State::Established));
        net
    }

    pub fn b(&mut self) -> &mut Tcb {
        self.b.as_mut().expect("B exists once A's SYN arrived")
    }

    pub fn states(&self) -> (State, State) {
        (
            self.a.state(),
            self.b.as_ref().map_or(State::Listen, |b| b.state()),
        )
    }

    /// Segments sent by A (true) or B (false) that carry data.
    pub fn data_sent(&self, from_a: bool) -> Vec<&Seg> {
        self.sent
            .iter()
            .filter(|s| s.from_a == from_a && !s.data.is_empty())
            .collect()
    }

    /// Events of A (or B) without their times.
    pub fn events(&self, of_a: bool) -> Vec<TcpEvent> {
        let list = if of_a { &self.events_a } else { &self.events_b };
        list.iter().map(|(_, e)| e.clone()).collect()
    }

    /// When A (or B) reported `event` first.
    pub fn time_of(&self, of_a: bool, event: &TcpEvent) -> Option<SimTime> {
        let list = if of_a { &self.events_a } else { &self.events_b };
        list.iter().find(|(_, e)| e == event).map(|(t, _)| *t)
    }

    fn collect_api_events(&mut self) {
        let now = self.now;
        let mut ev = Vec::new();
        self.a.take_events(&mut ev);
        self.events_a.extend(ev.drain(..).map(|e| (now, e)));
        if let Some(b) = self.b.as_mut() {
            b.take_events(&mut ev);
            self.events_b.extend(ev.drain(..).map(|e| (now, e)));
        }
    }

    /// The applications' part, then both sides' `dispatch`.
    fn flush(&mut self) {
        if self.written_a < self.source_a.len() {
            if let Ok(n) = self.a.send(&self.source_a[self.written_a..]) {
                self.written_a += n;
            }
            if self.written_a == self.source_a.len() && self.close_a_after_source {
                self.a.close();
            }
        }
        if self.auto_read_b {
            if let Some(b) = self.b.as_mut() {
                let mut buf = [0u8; 8192];
                while let Ok(n) = b.recv(&mut buf, false) {
                    if n == 0 {
                        break;
                    }
                    self.read_b.extend_from_slice(&buf[..n]);
                }
            }
        }
        self.collect_api_events();
        let now = self.now;
        let mut out = Vec::new();
        self.a
            .dispatch(now, &mut |r, d| out.push((true, *r, d.to_vec())));
        if let Some(b) = self.b.as_mut() {
            b.dispatch(now, &mut |r, d| out.push((false, *r, d.to_vec())));
        }
        // What `dispatch` reported (a zero window advertised, the persist
        // timer armed), at the time it happened.
        self.collect_api_events();
        for (from_a, repr, data) in out {
            assert_eq!(repr.payload_len, data.len());
            let seg = Seg {
                at: now,
                from_a,
                repr,
                data,
            };
            self.sent.push(seg.clone());
            let arrive = now + self.delay;
            match (self.fate)(&seg) {
                Fate::Deliver => self.put(arrive, seg),
                Fate::Drop => {}
                Fate::Delay(d) => self.put(arrive + d, seg),
                Fate::Duplicate => {
                    self.put(arrive, seg.clone());
                    self.put(arrive, seg);
                }
            }
        }
    }

    fn put(&mut self, at: SimTime, seg: Seg) {
        self.order += 1;
        self.wire.push((at, self.order, seg));
    }

    fn next_time(&self) -> Option<SimTime> {
        let wire = self.wire.iter().map(|(t, _, _)| *t).min();
        let b = self.b.as_ref().and_then(|b| b.poll_at());
        [wire, self.a.poll_at(), b].into_iter().flatten().min()
    }

    /// Run until `end` (or until nothing is left to happen).
    pub fn run_until(&mut self, end: SimTime) {
        for _ in 0..1_000_000 {
            self.flush();
            match self.next_time() {
                Some(t) if t <= end => self.step_to(t),
                _ => {
                    self.now = self.now.max(end);
                    self.flush();
                    return;
                }
            }
        }
        panic!("the test network did not settle");
    }

    pub fn run_for(&mut self, d: Duration) {
        self.run_until(self.now + d);
    }

    fn step_to(&mut self, t: SimTime) {
        self.now = t;
        // Deliver what arrives now, in the order it was sent.
        let mut due: Vec<(SimTime, u64, Seg)> = Vec::new();
        let mut i = 0;
        while i < self.wire.len() {
            if self.wire[i].0 <= t {
                due.push(self.wire.swap_remove(i));
            } else {
                i += 1;
            }
        }
        due.sort_by_key(|(at, n, _)| (*at, *n));
        // One at a time, each followed by `dispatch` (as the API requires):
        // every segment that deserves an ACK gets its own.
        for (_, _, seg) in due {
            self.deliver(seg);
            self.flush();
        }
        let mut ev = Vec::new();
        if self.a.poll_at().is_some_and(|p| p <= t) {
            self.a.on_time(t, &mut ev);
            self.events_a.extend(ev.drain(..).map(|e| (t, e)));
        }
        if let Some(b) = self.b.as_mut() {
            if b.poll_at().is_some_and(|p| p <= t) {
                b.on_time(t, &mut ev);
                self.events_b.extend(ev.drain(..).map(|e| (t, e)));
            }
        }
    }

    fn deliver(&mut self, seg: Seg) {
        let t = self.now;
        self.delivered.push((t, seg.clone()));
        let mut ev = Vec::new();
        if seg.from_a {
            if self.b.is_none() {
                if seg.repr.flags.syn && !seg.repr.flags.ack && !seg.repr.flags.rst {
                    let mut b = Tcb::accept(t, ends_b(), &seg.repr, self.iss_b, self.config_b);
                    b.take_events(&mut ev);
                    self.b = Some(b);
                }
            } else {
                self.b().on_segment(t, &seg.repr, &seg.data, &mut ev);
            }
            self.events_b.extend(ev.drain(..).map(|e| (t, e)));
        } else {
            self.a.on_segment(t, &seg.repr, &seg.data, &mut ev);
            self.events_a.extend(ev.drain(..).map(|e| (t, e)));
        }
    }
}

/// A segment header from B's port to A's (as a peer of a `connect`ed Tcb)
/// with flags given as letters: S(YN) A(CK) F(IN) R(ST) P(SH).
pub fn seg(seq: u32, ack: u32, flags: &str, window: u16) -> TcpRepr {
    TcpRepr {
        src_port: PORT_B,
        dst_port: PORT_A,
        seq,
        ack,
        flags: TcpFlags {
            syn: flags.contains('S'),
            ack: flags.contains('A'),
            fin: flags.contains('F'),
            rst: flags.contains('R'),
            psh: flags.contains('P'),
            urg: false,
        },
        window,
        mss: None,
        payload_len: 0,
        ..TcpRepr::default()
    }
}

/// Everything `dispatch` sends now.
pub fn out(tcb: &mut Tcb, now: SimTime) -> Vec<(TcpRepr, Vec<u8>)> {
    let mut v = Vec::new();
    tcb.dispatch(now, &mut |r, d| v.push((*r, d.to_vec())));
    v
}

/// Feed a segment; return the events.
pub fn feed(tcb: &mut Tcb, now: SimTime, repr: &TcpRepr, data: &[u8]) -> Vec<TcpEvent> {
    let mut ev = Vec::new();
    let mut repr = *repr;
    repr.payload_len = data.len();
    tcb.on_segment(now, &repr, data, &mut ev);
    ev
}

/// Fire timers; return the events.
pub fn tick(tcb: &mut Tcb, now: SimTime) -> Vec<TcpEvent> {
    let mut ev = Vec::new();
    tcb.on_time(now, &mut ev);
    ev
}

/// A client (A's side) established at 100 ms against a hand-played peer
/// with ISS 5000, window `window`, MSS option `mss`: sequence numbers start
/// at 1001 (ours) and 5001 (the peer's). The SYN's RTT sample is 100 ms, so
/// the RTO is 300 ms.
pub fn client(config: TcpConfig, mss: u16, window: u16) -> Tcb {
    let mut a = Tcb::connect(ms(0), ends_a(), ISS_A, config);
    let syn = out(&mut a, ms(0));
    assert_eq!(syn.len(), 1);
    let mut synack = seg(ISS_B, ISS_A + 1, "SA", window);
    synack.mss = Some(mss);
    feed(&mut a, ms(100), &synack, &[]);
    let ack = out(&mut a, ms(100));
    assert_eq!(ack.len(), 1);
    assert_eq!(a.state(), State::Established);
    a
}

/// `n` bytes of a recognisable pattern.
pub fn pattern(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 7 % 251) as u8).collect()
}
