//! The message and values for each note a layer reports. The matches are
//! exhaustive on purpose: a new note, TCP event, drop cause or state does
//! not compile until it has a sentence.

use std::net::Ipv4Addr;

use crate::i18n::Args;
use crate::stack::route::RouteKind;
use crate::stack::tcp::{RetransmitCause, State, TcpEvent};
use crate::stack::Ipv4Cidr;
use crate::trace::capture::Capture;
use crate::trace::event::{DhcpNote, DropCause, Note};

/// Every drop cause (each has a sentence: [`drop_id`]).
pub const DROP_CAUSES: &[DropCause] = &[
    DropCause::LinkLoss,
    DropCause::LinkDown,
    DropCause::QueueFull,
    DropCause::NoLink,
    DropCause::NotOurMac,
    DropCause::Malformed,
    DropCause::BadChecksum,
    DropCause::TtlExpired,
    DropCause::NoRoute,
    DropCause::ArpFailed,
    DropCause::ArpQueueFull,
    DropCause::NotOurAddress,
    DropCause::Unhandled,
    DropCause::TooBig,
    DropCause::ReassemblyTimeout,
    DropCause::NoSocket,
    DropCause::BacklogFull,
    DropCause::ReceiveBufferFull,
    DropCause::Martian,
];

/// The message of a drop.
pub fn drop_id(cause: DropCause) -> &'static str {
    match cause {
        DropCause::LinkLoss => "drop-link-loss",
        DropCause::LinkDown => "drop-link-down",
        DropCause::QueueFull => "drop-queue-full",
        DropCause::NoLink => "drop-no-link",
        DropCause::NotOurMac => "drop-not-our-mac",
        DropCause::Malformed => "drop-malformed",
        DropCause::BadChecksum => "drop-bad-checksum",
        DropCause::TtlExpired => "drop-ttl-expired",
        DropCause::NoRoute => "drop-no-route",
        DropCause::ArpFailed => "drop-arp-failed",
        DropCause::ArpQueueFull => "drop-arp-queue-full",
        DropCause::NotOurAddress => "drop-not-our-address",
        DropCause::Unhandled => "drop-unhandled",
        DropCause::TooBig => "drop-too-big",
        DropCause::ReassemblyTimeout => "drop-reassembly-timeout",
        DropCause::NoSocket => "drop-no-socket",
        DropCause::BacklogFull => "drop-backlog-full",
        DropCause::ReceiveBufferFull => "drop-buffer-full",
        DropCause::Martian => "drop-martian",
    }
}

fn state_id(state: State) -> &'static str {
    match state {
        State::Closed => "tcp-state-closed",
        State::Listen => "tcp-state-listen",
        State::SynSent => "tcp-state-syn-sent",
        State::SynReceived => "tcp-state-syn-received",
        State::Established => "tcp-state-established",
        State::FinWait1 => "tcp-state-fin-wait-1",
        State::FinWait2 => "tcp-state-fin-wait-2",
        State::Closing => "tcp-state-closing",
        State::TimeWait => "tcp-state-time-wait",
        State::CloseWait => "tcp-state-close-wait",
        State::LastAck => "tcp-state-last-ack",
    }
}

fn retransmit_id(why: RetransmitCause) -> &'static str {
    match why {
        RetransmitCause::Timeout => "tcp-retransmit-timeout",
        RetransmitCause::FastRetransmit => "tcp-retransmit-fast",
        RetransmitCause::PartialAck => "tcp-retransmit-partial-ack",
        RetransmitCause::Sack => "tcp-retransmit-sack",
        RetransmitCause::SynTimeout => "tcp-retransmit-syn",
        RetransmitCause::Probe => "tcp-retransmit-probe",
    }
}

/// Every message a note can use.
pub const NOTE_IDS: &[&str] = &[
    "switch-learn",
    "switch-move",
    "switch-age",
    "switch-flood-broadcast",
    "switch-flood-unknown",
    "switch-forward",
    "switch-filter",
    "link-duplicate",
    "link-corrupt",
    "link-reorder",
    "arp-add",
    "arp-update",
    "arp-expire",
    "arp-retry",
    "arp-failed",
    "route-connected",
    "route-gateway",
    "route-forward",
    "route-local",
    "reassembled",
    "frame-loopback",
    "ping",
    "process-start",
    "process-output",
    "process-output-refused",
    "process-output-in-use",
    "process-output-timed-out",
    "process-output-reset",
    "process-exit",
    "process-crash",
    "process-calls",
    "poll-wake",
    "poll-timeout",
    "tcp-state-closed",
    "tcp-state-listen",
    "tcp-state-syn-sent",
    "tcp-state-syn-received",
    "tcp-state-established",
    "tcp-state-fin-wait-1",
    "tcp-state-fin-wait-2",
    "tcp-state-closing",
    "tcp-state-time-wait",
    "tcp-state-close-wait",
    "tcp-state-last-ack",
    "tcp-retransmit-timeout",
    "tcp-retransmit-fast",
    "tcp-retransmit-partial-ack",
    "tcp-retransmit-sack",
    "tcp-retransmit-syn",
    "tcp-retransmit-probe",
    "tcp-congestion",
    "tcp-rtt",
    "tcp-window-update",
    "tcp-peer-window",
    "tcp-shift-too-large",
    "tcp-paws",
    "tcp-retransmission-lost",
    "tcp-ack-rate-limited",
    "tcp-sacked",
    "tcp-zero-window-probe",
    "tcp-timer-expired",
    "tcp-out-of-order",
    "tcp-duplicate",
    "tcp-dup-ack",
    "tcp-timer-set",
    "tcp-window-closed",
    "tcp-reset-sent",
    "tcp-failed",
];

fn ms(d: std::time::Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

/// `a` AND `mask`.
fn and(a: Ipv4Addr, mask: Ipv4Addr) -> Ipv4Addr {
    Ipv4Addr::from(u32::from(a) & u32::from(mask))
}

/// The message and values of `note`, a note of node `node`.
pub fn note(
    note: &Note,
    capture: &Capture,
    node: usize,
    iface_name: &dyn Fn(usize) -> String,
) -> (&'static str, Args<'static>) {
    let mut a = Args::new();
    let id = match note {
        Note::SwitchLearn { mac, port } => {
            a.set("mac", mac.to_string());
            a.set("port", iface_name(*port));
            "switch-learn"
        }
        Note::SwitchMove { mac, from, to } => {
            a.set("mac", mac.to_string());
            a.set("from", iface_name(*from));
            a.set("to", iface_name(*to));
            "switch-move"
        }
        Note::SwitchAge { mac, port } => {
            a.set("mac", mac.to_string());
            a.set("port", iface_name(*port));
            "switch-age"
        }
        Note::SwitchFlood {
            dst,
            reason,
            in_port,
            out_ports,
        } => {
            a.set("mac", dst.to_string());
            a.set("port", iface_name(*in_port));
            let ports: Vec<String> = out_ports.iter().map(|&p| iface_name(p)).collect();
            a.set("ports", ports.join(", "));
            if *reason == "broadcast" {
                "switch-flood-broadcast"
            } else {
                "switch-flood-unknown"
            }
        }
        Note::SwitchForward {
            dst,
            in_port,
            out_port,
        } => {
            a.set("mac", dst.to_string());
            a.set("from", iface_name(*in_port));
            a.set("to", iface_name(*out_port));
            "switch-forward"
        }
        Note::SwitchFilter { dst, port } => {
            a.set("mac", dst.to_string());
            a.set("port", iface_name(*port));
            "switch-filter"
        }
        Note::LinkDuplicate { iface } => {
            a.set("iface", iface_name(*iface));
            "link-duplicate"
        }
        Note::LinkCorrupt { iface, bit } => {
            a.set("iface", iface_name(*iface));
            a.set("bit", (bit % 8).to_string());
            a.set("byte", (bit / 8).to_string());
            "link-corrupt"
        }
        Note::LinkReorder { iface, held } => {
            a.set("iface", iface_name(*iface));
            a.set("held", ms(*held));
            "link-reorder"
        }
        Note::ArpAdd { iface, ip, mac } | Note::ArpUpdate { iface, ip, mac, .. } => {
            a.set("iface", iface_name(*iface));
            a.set("ip", ip.to_string());
            a.set("mac", mac.to_string());
            if matches!(note, Note::ArpAdd { .. }) {
                "arp-add"
            } else {
                "arp-update"
            }
        }
        Note::ArpExpire { iface, ip, mac } => {
            a.set("iface", iface_name(*iface));
            a.set("ip", ip.to_string());
            a.set("mac", mac.to_string());
            "arp-expire"
        }
        Note::ArpRetry {
            iface,
            ip,
            attempt,
            of,
        } => {
            a.set("iface", iface_name(*iface));
            a.set("ip", ip.to_string());
            a.set("attempt", attempt.to_string());
            a.set("of", of.to_string());
            "arp-retry"
        }
        Note::ArpFailed { iface, ip, dropped } => {
            a.set("iface", iface_name(*iface));
            a.set("ip", ip.to_string());
            a.set("dropped", dropped.to_string());
            "arp-failed"
        }
        Note::Route {
            dst,
            iface,
            via,
            dest,
            kind,
            forwarded,
        } => {
            a.set("dst", dst.to_string());
            a.set("iface", iface_name(*iface));
            a.set("dest", dest.to_string());
            a.set("via", via.map_or("-".to_string(), |v| v.to_string()));
            let own: Option<Ipv4Cidr> = capture
                .topology
                .nodes
                .get(node)
                .and_then(|n| n.ifaces.get(*iface))
                .and_then(|i| i.cidr);
            if let Some(own) = own {
                a.set("mask", own.netmask().to_string());
                a.set("dst_net", and(*dst, own.netmask()).to_string());
                a.set("own", own.network().to_string());
            }
            match (kind, forwarded) {
                (RouteKind::Local, _) => "route-local",
                (_, true) => "route-forward",
                (RouteKind::Connected, false) => "route-connected",
                (RouteKind::Static | RouteKind::Default, false) => "route-gateway",
            }
        }
        Note::Drop { cause, iface, what } => {
            a.set("iface", iface.map_or("-".to_string(), iface_name));
            a.set("what", what.clone());
            drop_id(*cause)
        }
        Note::Tcp {
            local,
            remote,
            event,
        } => {
            a.set("local", local.to_string());
            a.set("remote", remote.to_string());
            tcp(event, &mut a)
        }
        Note::Reassembled { what, len } => {
            a.set("what", what.clone());
            a.set("len", len.to_string());
            "reassembled"
        }
        Note::Loopback(packet) => {
            a.set("len", packet.len().to_string());
            "frame-loopback"
        }
        Note::Ping(line) => {
            a.set("line", line.clone());
            "ping"
        }
        Note::ProcessStart { name } => {
            a.set("name", name.clone());
            "process-start"
        }
        Note::ProcessOutput { name, line } => {
            a.set("name", name.clone());
            a.set("line", line.clone());
            if line.contains("Connection refused") {
                "process-output-refused"
            } else if line.contains("Address already in use") {
                "process-output-in-use"
            } else if line.contains("timed out") {
                "process-output-timed-out"
            } else if line.contains("Connection reset") {
                "process-output-reset"
            } else {
                "process-output"
            }
        }
        Note::Dhcp { iface, note } => {
            a.set("iface", iface_name(*iface));
            dhcp_args(note, &mut a)
        }
        Note::PollWake { name, ready } => {
            a.set("name", name.clone());
            let list: Vec<String> = ready.iter().map(|(t, w)| format!("{t} ({w})")).collect();
            a.set("tokens", list.join(", "));
            a.set("count", ready.len().to_string());
            if ready.is_empty() {
                "poll-timeout"
            } else {
                "poll-wake"
            }
        }
        Note::ProcessCalls {
            name,
            calls,
            would_block,
        } => {
            a.set("name", name.clone());
            a.set("calls", calls.to_string());
            a.set("would_block", would_block.to_string());
            a.set("useful", calls.saturating_sub(*would_block).to_string());
            "process-calls"
        }
        Note::ProcessExit { name, panic } => {
            a.set("name", name.clone());
            match panic {
                None => "process-exit",
                Some(message) => {
                    a.set("message", message.clone());
                    "process-crash"
                }
            }
        }
    };
    (id, a)
}

fn tcp(event: &TcpEvent, a: &mut Args<'static>) -> &'static str {
    match event {
        TcpEvent::StateChange { from, to } => {
            a.set("from", from.to_string());
            a.set("to", to.to_string());
            state_id(*to)
        }
        TcpEvent::Retransmit { seq, len, why } => {
            a.set("seq", seq.to_string());
            a.set("len", len.to_string());
            retransmit_id(*why)
        }
        TcpEvent::Congestion {
            cwnd,
            ssthresh,
            why,
        } => {
            a.set("cwnd", cwnd.to_string());
            a.set("ssthresh", ssthresh.to_string());
            a.set("why", *why);
            "tcp-congestion"
        }
        TcpEvent::RttSample { srtt, rttvar, rto } => {
            a.set("srtt", ms(*srtt));
            a.set("rttvar", ms(*rttvar));
            a.set("rto", ms(*rto));
            "tcp-rtt"
        }
        TcpEvent::WindowUpdate { window } => {
            a.set("window", window.to_string());
            "tcp-window-update"
        }
        TcpEvent::PeerWindow { window } => {
            a.set("window", window.to_string());
            "tcp-peer-window"
        }
        TcpEvent::ShiftTooLarge { shift } => {
            a.set("shift", shift.to_string());
            "tcp-shift-too-large"
        }
        TcpEvent::PawsDrop { tsval, recent } => {
            a.set("tsval", tsval.to_string());
            a.set("recent", recent.to_string());
            "tcp-paws"
        }
        TcpEvent::RetransmissionLost { seq } => {
            a.set("seq", seq.to_string());
            "tcp-retransmission-lost"
        }
        TcpEvent::AckRateLimited => "tcp-ack-rate-limited",
        TcpEvent::Sacked { bytes, ranges } => {
            a.set("bytes", bytes.to_string());
            a.set("ranges", ranges.to_string());
            "tcp-sacked"
        }
        TcpEvent::ZeroWindowProbe => "tcp-zero-window-probe",
        TcpEvent::TimerExpired { which } => {
            a.set("which", *which);
            "tcp-timer-expired"
        }
        TcpEvent::OutOfOrder { seq, len } => {
            a.set("seq", seq.to_string());
            a.set("len", len.to_string());
            "tcp-out-of-order"
        }
        TcpEvent::Duplicate { seq, len } => {
            a.set("seq", seq.to_string());
            a.set("len", len.to_string());
            "tcp-duplicate"
        }
        TcpEvent::DupAck { ack, count, .. } => {
            a.set("ack", ack.to_string());
            a.set("count", count.to_string());
            "tcp-dup-ack"
        }
        TcpEvent::TimerSet {
            which,
            after,
            backoff,
        } => {
            a.set("which", *which);
            a.set("after", format!("{:.3} s", after.as_secs_f64()));
            a.set("backoff", backoff.to_string());
            "tcp-timer-set"
        }
        TcpEvent::WindowClosed => "tcp-window-closed",
        TcpEvent::ResetSent { why } => {
            a.set("why", *why);
            "tcp-reset-sent"
        }
        TcpEvent::Failed { error } => {
            a.set("error", error.to_string());
            "tcp-failed"
        }
    }
}

/// The message id of a DHCP client's step, with its values set.
fn dhcp_args(note: &DhcpNote, a: &mut Args) -> &'static str {
    let secs = |d: &std::time::Duration| format!("{}", d.as_secs_f64());
    match note {
        DhcpNote::Discovering => "dhcp-discovering",
        DhcpNote::Offered { addr, server } => {
            a.set("addr", addr.to_string());
            a.set("server", server.to_string());
            "dhcp-offered"
        }
        DhcpNote::Bound {
            addr,
            prefix_len,
            router,
            dns,
            lease,
            renew_in,
        } => {
            a.set("addr", addr.to_string());
            a.set("prefix", prefix_len.to_string());
            a.set("router", router.map_or("-".to_string(), |r| r.to_string()));
            a.set("dns", dns.map_or("-".to_string(), |d| d.to_string()));
            a.set("lease", secs(lease));
            a.set("renew", secs(renew_in));
            "dhcp-bound"
        }
        DhcpNote::Renewing => "dhcp-renewing",
        DhcpNote::Renewed {
            addr,
            lease,
            renew_in,
        } => {
            a.set("addr", addr.to_string());
            a.set("lease", secs(lease));
            a.set("renew", secs(renew_in));
            "dhcp-renewed"
        }
        DhcpNote::Rebinding => "dhcp-rebinding",
        DhcpNote::Expired { addr } => {
            a.set("addr", addr.to_string());
            "dhcp-expired"
        }
        DhcpNote::Refused { server } => {
            a.set("server", server.to_string());
            "dhcp-refused"
        }
    }
}
