//! The tcpdump-like text trace: one line an event, with its virtual time and
//! place, each layer decoded.
//!
//! ```text
//! 1.000000 pc1.eth0 > 02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff ARP who-has 192.168.1.1 tell 192.168.1.2, length 60
//! 1.001006 sw1 learn 02:00:00:00:00:01 on eth0
//! 1.003018 gw route 192.168.2.2: forward on eth1 (connected 192.168.2.0/24)
//! ```
//!
//! A packet a node sends to itself never reaches a link; its line names the
//! loopback interface and gives the IP packet's length:
//!
//! ```text
//! 0.000000 pc1.lo > IP 127.0.0.1 > 127.0.0.1 ttl 64 id 1 DF: UDP 49152 > 7852 len 5, length 33
//! ```

use std::cell::RefCell;
use std::fmt::Write as _;
use std::io::Write;
use std::rc::Rc;

use super::event::{Note, Record, TraceSink, What};
use crate::stack::iface::LOOPBACK_IFACE;
use crate::wire::describe::{describe_frame_into, describe_ipv4};

/// Writes the text of `record` (without a newline) to `out`.
pub fn render(record: &Record<'_>, out: &mut String) {
    let _ = write!(out, "{} ", record.time);
    let node = record.node;
    match record.what {
        What::Frame { iface, dir, bytes } => {
            let _ = write!(out, "{node}.{} {} ", record.iface_name(iface), dir.arrow());
            describe_frame_into(bytes, out);
        }
        What::FrameDrop {
            iface,
            cause,
            bytes,
        } => {
            let _ = write!(out, "{node}.{} drop {cause}: ", record.iface_name(iface));
            describe_frame_into(bytes, out);
        }
        What::Note(note) => render_note(record, note, out),
    }
}

fn render_note(record: &Record<'_>, note: &Note, out: &mut String) {
    let node = record.node;
    let name = |i: usize| record.iface_name(i);
    let _ = match note {
        Note::SwitchLearn { mac, port } => write!(out, "{node} learn {mac} on {}", name(*port)),
        Note::SwitchMove { mac, from, to } => {
            write!(
                out,
                "{node} move {mac} from {} to {}",
                name(*from),
                name(*to)
            )
        }
        Note::SwitchAge { mac, port } => {
            write!(out, "{node} forget {mac} on {} (aged out)", name(*port))
        }
        Note::SwitchFlood {
            dst,
            reason,
            in_port,
            out_ports,
        } => {
            let ports: Vec<&str> = out_ports.iter().map(|&p| name(p)).collect();
            write!(
                out,
                "{node} flood {dst} ({reason}) from {} to {}",
                name(*in_port),
                ports.join(",")
            )
        }
        Note::SwitchForward {
            dst,
            in_port,
            out_port,
        } => write!(
            out,
            "{node} forward {dst} from {} to {}",
            name(*in_port),
            name(*out_port)
        ),
        Note::LinkDuplicate { iface } => {
            write!(out, "{node}.{} link duplicated the frame", name(*iface))
        }
        Note::LinkCorrupt { iface, bit } => write!(
            out,
            "{node}.{} link corrupted the frame: bit {} of byte {} flipped",
            name(*iface),
            bit % 8,
            bit / 8
        ),
        Note::LinkReorder { iface, held } => write!(
            out,
            "{node}.{} link held the frame back {:.3}ms (reordered)",
            name(*iface),
            held.as_secs_f64() * 1e3
        ),
        Note::SwitchFilter { dst, port } => {
            write!(
                out,
                "{node} filter {dst} on {} (it is on that port)",
                name(*port)
            )
        }
        Note::ArpAdd { iface, ip, mac } => {
            write!(out, "{node} arp add {ip} at {mac} on {}", name(*iface))
        }
        Note::ArpUpdate {
            iface,
            ip,
            mac,
            old,
        } => {
            write!(
                out,
                "{node} arp update {ip} at {mac} (was {old}) on {}",
                name(*iface)
            )
        }
        Note::ArpExpire { iface, ip, mac } => {
            write!(out, "{node} arp expire {ip} at {mac} on {}", name(*iface))
        }
        Note::ArpRetry {
            iface,
            ip,
            attempt,
            of,
        } => write!(
            out,
            "{node} arp retry who-has {ip} on {} (request {attempt} of {of})",
            name(*iface)
        ),
        Note::ArpFailed { iface, ip, dropped } => write!(
            out,
            "{node} arp failed {ip} on {}: no reply, {dropped} waiting packet(s) dropped",
            name(*iface)
        ),
        Note::Route {
            dst,
            iface,
            via,
            dest,
            kind,
            forwarded,
        } => {
            let verb = if *forwarded { "forward" } else { "send" };
            let _ = write!(out, "{node} route {dst}: {verb}");
            if let Some(gw) = via {
                let _ = write!(out, " via {gw}");
            }
            write!(out, " on {} ({kind} {dest})", name(*iface))
        }
        Note::Drop { cause, iface, what } => {
            let _ = write!(out, "{node}");
            if let Some(i) = iface {
                let _ = write!(out, ".{}", name(*i));
            }
            write!(out, " drop {cause}: {what}")
        }
        Note::Reassembled { what, len } => write!(out, "{node} reassembled {len} bytes: {what}"),
        Note::Tcp {
            local,
            remote,
            event,
        } => write!(out, "{node} tcp {local} > {remote}: {event}"),
        Note::Loopback(packet) => {
            // As a frame line, with the IP packet's own length: lo carries
            // no Ethernet header worth showing.
            let lo = name(LOOPBACK_IFACE);
            let _ = write!(out, "{node}.{lo} > {}", describe_ipv4(packet));
            write!(out, ", length {}", packet.len())
        }
        Note::Ping(line) => write!(out, "{node} ping: {line}"),
        Note::ProcessStart { name } => write!(out, "{node} {name} [start]"),
        Note::ProcessOutput { name, line } => write!(out, "{node} {name}: {line}"),
        Note::Dhcp { iface, note } => write!(out, "{node} dhcp {}: {note}", name(*iface)),
        Note::PollWake { name, ready } if ready.is_empty() => {
            write!(out, "{node} {name} poll: timed out, nothing ready")
        }
        Note::PollWake { name, ready } => {
            let _ = write!(out, "{node} {name} poll: ");
            for (i, (token, what)) in ready.iter().enumerate() {
                let sep = if i == 0 { "" } else { ", " };
                let _ = write!(out, "{sep}token {token} {what}");
            }
            Ok(())
        }
        Note::ProcessCalls {
            name,
            calls,
            would_block,
        } => write!(
            out,
            "{node} {name} made {calls} socket calls, {would_block} of them would block"
        ),
        Note::ProcessExit { name, panic: None } => write!(out, "{node} {name} [exit]"),
        Note::ProcessExit {
            name,
            panic: Some(message),
        } => write!(out, "{node} {name} [crash] {message}"),
    };
}

/// The lines of a text trace, shared between the sink and whoever reads them
/// after the run.
pub type TextLines = Rc<RefCell<Vec<String>>>;

/// Keeps every line of the text trace, and optionally echoes it to a writer.
pub struct TextSink {
    lines: TextLines,
    echo: Option<Box<dyn Write>>,
    error: Option<std::io::Error>,
}

impl TextSink {
    /// A sink that keeps its lines in `lines`.
    pub fn new(lines: TextLines) -> TextSink {
        TextSink {
            lines,
            echo: None,
            error: None,
        }
    }

    /// Also writes each line to `writer` as it comes.
    pub fn echo_to(mut self, writer: Box<dyn Write>) -> TextSink {
        self.echo = Some(writer);
        self
    }
}

impl TraceSink for TextSink {
    fn record(&mut self, record: &Record<'_>) {
        let mut line = String::with_capacity(128);
        render(record, &mut line);
        if let Some(echo) = &mut self.echo {
            if let Err(e) = writeln!(echo, "{line}") {
                self.error.get_or_insert(e);
                self.echo = None;
            }
        }
        self.lines.borrow_mut().push(line);
    }

    fn finish(&mut self) -> std::io::Result<()> {
        if let Some(echo) = &mut self.echo {
            echo.flush()?;
        }
        // The first write error, kept until now so that no event is lost.
        self.error.take().map_or(Ok(()), Err)
    }
}
