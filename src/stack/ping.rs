//! The ping application: ICMP echo requests at an interval, and a summary in
//! the words of Linux's `ping` (iputils).
//!
//! The pinger is sans-IO like the layers: the IP node asks it what to send
//! and tells it what came back; it keeps the count and writes the lines.

use std::net::Ipv4Addr;
use std::time::Duration;

use crate::sim::SimTime;
use crate::wire::{DstUnreachable, TimeExceeded};

/// What a ping does.
#[derive(Clone, Debug, PartialEq)]
pub struct PingConfig {
    /// The address to ping.
    pub dst: Ipv4Addr,
    /// Requests to send.
    pub count: u16,
    /// Time between requests.
    pub interval: Duration,
    /// ICMP data bytes per request.
    pub size: usize,
    /// TTL of each request.
    pub ttl: u8,
    /// How long to wait for answers after the last request.
    pub wait: Duration,
}

/// An ICMP error that answered one of our requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PingError {
    /// Destination unreachable, with the reason.
    Unreachable(DstUnreachable),
    /// Time exceeded, with the reason.
    TimeExceeded(TimeExceeded),
    /// The request could not be sent: no route.
    NoRoute,
}

impl PingError {
    /// Linux ping's wording.
    fn describe(self) -> String {
        match self {
            PingError::Unreachable(DstUnreachable::NetUnreachable) => {
                "Destination Net Unreachable".into()
            }
            PingError::Unreachable(DstUnreachable::HostUnreachable) => {
                "Destination Host Unreachable".into()
            }
            PingError::Unreachable(DstUnreachable::ProtoUnreachable) => {
                "Destination Protocol Unreachable".into()
            }
            PingError::Unreachable(DstUnreachable::PortUnreachable) => {
                "Destination Port Unreachable".into()
            }
            PingError::Unreachable(DstUnreachable::FragRequired) => "Frag needed and DF set".into(),
            PingError::Unreachable(other) => format!("Dest Unreachable, {other}"),
            PingError::TimeExceeded(TimeExceeded::TtlExceeded) => "Time to live exceeded".into(),
            PingError::TimeExceeded(other) => format!("Time exceeded: {other}"),
            PingError::NoRoute => "Network is unreachable".into(),
        }
    }
}

/// The outcome of a ping.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PingReport {
    /// Requests sent.
    pub transmitted: u16,
    /// Distinct requests answered by an echo reply.
    pub received: u16,
    /// Replies beyond the first for a request (a path that duplicates).
    pub duplicates: u16,
    /// Requests answered by an ICMP error (or that could not be sent).
    pub errors: u16,
    /// Round-trip times of the replies, in the order received.
    pub rtts: Vec<Duration>,
    /// Every line printed, as `ping` would.
    pub lines: Vec<String>,
    /// Whether the ping has ended.
    pub finished: bool,
}

impl PingReport {
    /// Smallest round-trip time.
    pub fn rtt_min(&self) -> Option<Duration> {
        self.rtts.iter().min().copied()
    }

    /// Largest round-trip time.
    pub fn rtt_max(&self) -> Option<Duration> {
        self.rtts.iter().max().copied()
    }

    /// Mean round-trip time.
    pub fn rtt_avg(&self) -> Option<Duration> {
        let n = u32::try_from(self.rtts.len()).ok().filter(|&n| n > 0)?;
        Some(self.rtts.iter().sum::<Duration>() / n)
    }
}

/// One running ping.
#[derive(Debug)]
pub struct Pinger {
    config: PingConfig,
    ident: u16,
    sent_at: Vec<SimTime>,
    answered: Vec<bool>,
    report: PingReport,
}

/// Linux ping keeps its send time in the first 16 data bytes (a `struct
/// timeval`); with less data it prints no round-trip times.
pub const TIMESTAMP_LEN: usize = 16;

fn millis(d: Duration) -> String {
    format!("{:.3}", d.as_nanos() as f64 / 1e6)
}

impl Pinger {
    /// A ping that will use ICMP identifier `ident`.
    pub fn new(config: PingConfig, ident: u16) -> Pinger {
        Pinger {
            config,
            ident,
            sent_at: Vec::new(),
            answered: Vec::new(),
            report: PingReport::default(),
        }
    }

    /// Its configuration.
    pub fn config(&self) -> &PingConfig {
        &self.config
    }

    /// Its ICMP identifier.
    pub fn ident(&self) -> u16 {
        self.ident
    }

    /// What it has seen so far.
    pub fn report(&self) -> &PingReport {
        &self.report
    }

    fn say(&mut self, line: String) -> String {
        self.report.lines.push(line.clone());
        line
    }

    /// Records that request `seq` leaves now; returns the line to print
    /// first if this is the first request.
    pub fn on_sent(&mut self, now: SimTime) -> (u16, Option<String>) {
        let banner = self.sent_at.is_empty().then(|| {
            let c = &self.config;
            self.say(format!(
                "PING {0} ({0}) {1}({2}) bytes of data.",
                c.dst,
                c.size,
                c.size + 28
            ))
        });
        self.sent_at.push(now);
        self.answered.push(false);
        self.report.transmitted += 1;
        (self.report.transmitted, banner)
    }

    /// Whether every request has been sent.
    pub fn all_sent(&self) -> bool {
        self.report.transmitted >= self.config.count
    }

    fn slot(&mut self, seq: u16) -> Option<usize> {
        let index = usize::from(seq).checked_sub(1)?;
        (index < self.sent_at.len()).then_some(index)
    }

    /// An echo reply for `seq` came from `from` with `ttl`; returns the line.
    pub fn on_reply(
        &mut self,
        now: SimTime,
        seq: u16,
        from: Ipv4Addr,
        ttl: u8,
        data_len: usize,
    ) -> Option<String> {
        let index = self.slot(seq)?;
        let rtt = now.saturating_since(self.sent_at[index]);
        let dup = std::mem::replace(&mut self.answered[index], true);
        let mut line = format!(
            "{} bytes from {from}: icmp_seq={seq} ttl={ttl}",
            data_len + 8
        );
        if self.config.size >= TIMESTAMP_LEN {
            line.push_str(&format!(" time={} ms", millis(rtt)));
        }
        if dup {
            line.push_str(" (DUP!)");
            self.report.duplicates += 1;
        } else {
            self.report.received += 1;
            self.report.rtts.push(rtt);
        }
        Some(self.say(line))
    }

    /// An ICMP error about request `seq` came from `from`; returns the line.
    pub fn on_error(&mut self, seq: u16, from: Ipv4Addr, error: PingError) -> Option<String> {
        let index = self.slot(seq)?;
        if !std::mem::replace(&mut self.answered[index], true) {
            self.report.errors += 1;
        }
        Some(self.say(format!("From {from} icmp_seq={seq} {}", error.describe())))
    }

    /// Whether every request sent so far has had its answer.
    pub fn all_answered(&self) -> bool {
        self.all_sent() && self.answered.iter().all(|&a| a)
    }

    /// Ends the ping at `now`; returns the summary lines (none if it had
    /// already ended).
    pub fn finish(&mut self, now: SimTime) -> Vec<String> {
        if self.report.finished {
            return Vec::new();
        }
        self.report.finished = true;
        let r = &self.report;
        let elapsed = self
            .sent_at
            .first()
            .map_or(Duration::ZERO, |&first| now.saturating_since(first));
        let lost = f64::from(r.transmitted - r.received.min(r.transmitted));
        let loss = if r.transmitted == 0 {
            0.0
        } else {
            lost * 100.0 / f64::from(r.transmitted)
        };
        // As iputils: `, +N duplicates` then `, +N errors`, each only if
        // there are any.
        let mut errors = String::new();
        if r.duplicates > 0 {
            errors += &format!(", +{} duplicates", r.duplicates);
        }
        if r.errors > 0 {
            errors += &format!(", +{} errors", r.errors);
        }
        let mut lines = vec![
            format!("--- {} ping statistics ---", self.config.dst),
            format!(
                "{} packets transmitted, {} received{errors}, {}% packet loss, time {}ms",
                r.transmitted,
                r.received,
                format_percent(loss),
                elapsed.as_millis()
            ),
        ];
        let timed = self.config.size >= TIMESTAMP_LEN;
        if let (true, Some(min), Some(avg), Some(max)) =
            (timed, r.rtt_min(), r.rtt_avg(), r.rtt_max())
        {
            lines.push(format!(
                "rtt min/avg/max = {}/{}/{} ms",
                millis(min),
                millis(avg),
                millis(max)
            ));
        }
        for line in &lines {
            self.say(line.clone());
        }
        lines
    }
}

/// A percentage as C's `%g` prints it: `0`, `50`, `33.3333`.
fn format_percent(p: f64) -> String {
    let text = format!("{p:.4}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pinger(count: u16) -> Pinger {
        Pinger::new(
            PingConfig {
                dst: Ipv4Addr::new(192, 168, 2, 2),
                count,
                interval: Duration::from_secs(1),
                size: 56,
                ttl: 64,
                wait: Duration::from_secs(5),
            },
            1,
        )
    }

    #[test]
    fn prints_like_linux_ping() {
        let mut p = pinger(2);
        let t0 = SimTime::from_secs(1);
        let (seq, banner) = p.on_sent(t0);
        assert_eq!(seq, 1);
        assert_eq!(
            banner.as_deref(),
            Some("PING 192.168.2.2 (192.168.2.2) 56(84) bytes of data.")
        );
        let from = Ipv4Addr::new(192, 168, 2, 2);
        let line = p
            .on_reply(t0 + Duration::from_micros(4021), 1, from, 63, 56)
            .unwrap();
        assert_eq!(
            line,
            "64 bytes from 192.168.2.2: icmp_seq=1 ttl=63 time=4.021 ms"
        );
        assert!(!p.all_answered());
        let t1 = SimTime::from_secs(2);
        assert_eq!(p.on_sent(t1), (2, None));
        p.on_reply(t1 + Duration::from_millis(2), 2, from, 63, 56);
        assert!(p.all_answered());
        let summary = p.finish(t1 + Duration::from_millis(2));
        assert_eq!(
            summary,
            [
                "--- 192.168.2.2 ping statistics ---",
                "2 packets transmitted, 2 received, 0% packet loss, time 1002ms",
                "rtt min/avg/max = 2.000/3.010/4.021 ms",
            ]
        );
        assert!(p.finish(t1).is_empty(), "finishes once");
        assert_eq!(p.report().lines.len(), 6);
    }

    #[test]
    fn counts_errors_and_loss() {
        let mut p = pinger(3);
        for s in 0..3 {
            p.on_sent(SimTime::from_secs(s));
        }
        let gw = Ipv4Addr::new(192, 168, 1, 1);
        let line = p
            .on_error(2, gw, PingError::TimeExceeded(TimeExceeded::TtlExceeded))
            .unwrap();
        assert_eq!(line, "From 192.168.1.1 icmp_seq=2 Time to live exceeded");
        assert_eq!(
            p.on_error(9, gw, PingError::NoRoute),
            None,
            "unknown seq ignored"
        );
        let summary = p.finish(SimTime::from_secs(7));
        assert_eq!(
            summary[1],
            "3 packets transmitted, 0 received, +1 errors, 100% packet loss, time 7000ms"
        );
        assert_eq!(summary.len(), 2, "no rtt line without replies");
    }

    #[test]
    fn tiny_pings_print_no_times() {
        let mut p = Pinger::new(
            PingConfig {
                size: 8,
                ..pinger(1).config().clone()
            },
            1,
        );
        p.on_sent(SimTime::ZERO);
        let line = p
            .on_reply(
                SimTime::from_millis(3),
                1,
                Ipv4Addr::new(10, 0, 0, 1),
                64,
                8,
            )
            .unwrap();
        assert_eq!(line, "16 bytes from 10.0.0.1: icmp_seq=1 ttl=64");
        let summary = p.finish(SimTime::from_millis(3));
        assert_eq!(summary.len(), 2, "no rtt line: {summary:?}");
    }

    #[test]
    fn duplicates_are_marked_and_not_counted() {
        let mut p = pinger(3);
        p.on_sent(SimTime::ZERO);
        let from = Ipv4Addr::new(10, 0, 0, 1);
        p.on_reply(SimTime::from_millis(1), 1, from, 64, 56);
        let dup = p
            .on_reply(SimTime::from_millis(2), 1, from, 64, 56)
            .unwrap();
        assert!(dup.ends_with("(DUP!)"));
        assert_eq!(p.report().received, 1);
        assert_eq!(p.report().duplicates, 1);
        let summary = p.finish(SimTime::from_millis(3));
        assert_eq!(
            summary[1],
            "1 packets transmitted, 1 received, +1 duplicates, 0% packet loss, time 3ms"
        );
        assert_eq!(format_percent(100.0 / 3.0), "33.3333");
        assert_eq!(format_percent(50.0), "50");
    }
}
