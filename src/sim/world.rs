//! The world: one thread, one event queue, every node and link of a run.
//!
//! The loop pops the earliest event, hands it to its node, and carries out
//! what the node put in its [`Outbox`]: frames onto links (where they become
//! arrival events), timers into the queue, notes into the trace.

use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

use super::fxhash::FxBuild;
use super::lend::{self, Turn};
use super::poll_calls::Polls;
use super::process::{Process, ProcessId, DEFAULT_STACK_SIZE};
use super::queue::EventQueue;
use super::timer_handles::TimerHandles;
use super::udp_calls::Sockets;
use super::{Outbox, SimTime};
use crate::link::{Arrival, Fate};
use crate::stack::{IpNode, PingReport, Timer};
use crate::topo::{Graph, NodeId, NodeLogic};
use crate::trace::event::{Direction, DropCause, Note, Record, What};
use crate::trace::{Trace, TraceSink};
use std::sync::atomic::{AtomicU64, Ordering};

/// Numbers simulations, so that sockets know which one they belong to.
static NEXT_RUN_ID: AtomicU64 = AtomicU64::new(1);

/// The event queue's lane for events pushed for the current instant.
const NOW_LANE: u32 = 0;

/// The event queue's lane for frames crossing link `link` from end `side`
/// (`None` past four billion lanes: the frames then go to the heap alone).
fn link_lane(link: usize, side: usize) -> Option<u32> {
    u32::try_from(1 + 2 * link + side).ok()
}

/// Something that happens at an instant.
#[derive(Debug)]
pub(super) enum Event {
    /// A frame reaches interface `iface` of `node`.
    Arrive {
        node: NodeId,
        iface: usize,
        frame: Vec<u8>,
    },
    /// A timer of `node` fires.
    Timer { node: NodeId, timer: Timer },
    /// A process gets its first turn.
    Start { pid: ProcessId },
    /// A blocked process is woken, if it still waits for `token`.
    Wake { pid: ProcessId, token: u64 },
}

impl Event {
    fn is_background(&self) -> bool {
        matches!(self, Event::Timer { timer, .. } if timer.is_background())
    }
}

/// Why a run stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// Nothing was left to do (at most background timers, such as ARP
    /// entries waiting to expire, were pending).
    Idle,
    /// The time limit was reached with events still pending.
    TimeLimit,
    /// The cap on events was reached.
    EventLimit,
    /// Nothing was pending but processes were blocked with nothing that
    /// could wake them; [`Sim::deadlocked`] names them.
    Deadlock,
}

/// How a run went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunSummary {
    /// Why it stopped.
    pub reason: StopReason,
    /// The virtual time it stopped at.
    pub end: SimTime,
    /// Events processed.
    pub events: u64,
    /// Frames handed to links.
    pub frames: u64,
}

impl fmt::Display for RunSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (events, frames) = (self.events, self.frames);
        match self.reason {
            StopReason::Idle => write!(
                f,
                "run ended at {}: nothing left to do ({events} events, {frames} frames)",
                self.end
            ),
            StopReason::TimeLimit => write!(
                f,
                "run stopped at the time limit {} with events still pending ({events} events, {frames} frames)",
                self.end
            ),
            StopReason::Deadlock => write!(
                f,
                "run stopped at {}: deadlock, every process is blocked and nothing is pending \
                 ({events} events, {frames} frames)",
                self.end
            ),
            StopReason::EventLimit => write!(
                f,
                "run stopped at {} after the maximum of {events} events; is something looping? \
                 ({frames} frames)",
                self.end
            ),
        }
    }
}

/// A simulation: the topology, the clock, the queue and the trace.
pub struct Sim {
    graph: Graph,
    /// Every node, sorted by name, for [`Sim::node_id`] (a process that
    /// resolves a host name asks it).
    by_name: Vec<NodeId>,
    queue: EventQueue<Event>,
    /// Handles of the pending timers nodes may cancel (only looked up,
    /// never iterated, so the map's order cannot leak into a run).
    timer_handles: HashMap<(NodeId, Timer), TimerHandles, FxBuild>,
    pub(super) now: SimTime,
    out: Outbox,
    pub(super) trace: Trace,
    pings: Vec<(NodeId, usize)>,
    /// Pending events that are not background timers.
    foreground: usize,
    /// A process woken at the present instant while no event was due by
    /// then (see [`Sim::wake_now`]): its `Wake` (pid and token) is the next
    /// event, taken without a trip through the queue. Counted in
    /// `foreground`. It is always due at `now`: a run never stops with one
    /// held (see [`Sim::requeue_next_wake`]), and nothing else moves time.
    pub(super) next_wake: Option<(ProcessId, u64)>,
    /// The sequence number the queue gave `next_wake` (see
    /// [`EventQueue::reserve_seq`]), for when it must go in after all.
    next_wake_seq: u64,
    /// Tests set this to send every wake through the queue, the reference
    /// order `next_wake` must keep.
    #[cfg(test)]
    pub(super) queue_every_wake: bool,
    /// How many wakes took the short way (tests check that some did).
    #[cfg(test)]
    pub(super) direct_wakes: u64,
    /// How many of them went into the queue after all, the run stopping
    /// first.
    #[cfg(test)]
    pub(super) requeued_wakes: u64,
    time_limit: SimTime,
    pub(super) max_events: u64,
    pub(super) events: u64,
    frames: u64,
    /// Every process of the run, indexed by id.
    pub(super) procs: Vec<Process>,
    /// The process taking its turn, while one is.
    pub(super) running: Option<ProcessId>,
    /// Stack size of new processes.
    pub(super) stack_size: usize,
    /// Set when a process reached the event cap mid-run.
    pub(super) halted: bool,
    /// Socket settings and blocked readers.
    pub(super) sockets: Sockets,
    /// Poll sets (`simnet::io::Poll`).
    pub(super) polls: Polls,
    /// This simulation's number in the process, so that a socket carried to
    /// another simulation is recognised as foreign.
    run_id: u64,
    /// Whether a link of this run has corrupted a frame. Until one has,
    /// every frame holds the bytes its sender checksummed, and hosts take
    /// them as intact ([`crate::stack::IpNode::on_intact_frame`]); from
    /// then on, every frame is checked.
    corrupted_any: bool,
}

impl fmt::Debug for Sim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sim")
            .field("now", &self.now)
            .field("nodes", &self.graph.node_count())
            .field("links", &self.graph.edge_count())
            .field(
                "pending",
                &(self.queue.len() + usize::from(self.next_wake.is_some())),
            )
            .finish()
    }
}

impl Sim {
    /// A simulation of `graph` at time zero; see [`crate::topo::TopologyBuilder`].
    pub fn new(graph: Graph) -> Sim {
        Sim::numbered(graph, NEXT_RUN_ID.fetch_add(1, Ordering::Relaxed))
    }

    /// What stands in a `Sim` while its world is out running (see
    /// [`Sim::run`]): empty, and numbered 0, which no run has.
    fn vacant() -> Sim {
        Sim::numbered(Graph::default(), 0)
    }

    fn numbered(graph: Graph, run_id: u64) -> Sim {
        let mut by_name: Vec<NodeId> = graph.node_indices().collect();
        by_name.sort_by(|&a, &b| graph[a].name.cmp(&graph[b].name));
        Sim {
            graph,
            by_name,
            queue: EventQueue::new(),
            timer_handles: HashMap::default(),
            now: SimTime::ZERO,
            out: Outbox::new(false),
            trace: Trace::default(),
            pings: Vec::new(),
            foreground: 0,
            next_wake: None,
            next_wake_seq: 0,
            #[cfg(test)]
            queue_every_wake: false,
            #[cfg(test)]
            direct_wakes: 0,
            #[cfg(test)]
            requeued_wakes: 0,
            time_limit: SimTime::MAX,
            max_events: u64::MAX,
            events: 0,
            frames: 0,
            procs: Vec::new(),
            running: None,
            stack_size: DEFAULT_STACK_SIZE,
            halted: false,
            sockets: Sockets::default(),
            polls: Polls::default(),
            run_id,
            corrupted_any: false,
        }
    }

    /// Stops runs at `limit` of virtual time.
    pub fn set_time_limit(&mut self, limit: Duration) {
        self.time_limit = SimTime::ZERO + limit;
    }

    /// Stops runs after `max` events.
    pub fn set_max_events(&mut self, max: u64) {
        self.max_events = max;
    }

    /// Sends every trace event to `sink` from now on.
    pub fn add_sink(&mut self, mut sink: Box<dyn TraceSink>) {
        sink.begin(&self.node_names());
        self.trace.add(sink);
        self.out.tracing = true;
    }

    /// Every node's name and interface names, in node order.
    pub fn node_names(&self) -> Vec<(String, Vec<String>)> {
        self.graph
            .node_weights()
            .map(|n| (n.name.clone(), n.iface_names.clone()))
            .collect()
    }

    /// The topology.
    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    pub(super) fn graph_mut(&mut self) -> &mut Graph {
        &mut self.graph
    }

    /// The IP stack of `host` (`None` for a switch) and the outbox, borrowed
    /// together so that a call can hand the one to the other in place.
    pub(super) fn ip_and_outbox(&mut self, host: NodeId) -> (Option<&mut IpNode>, &mut Outbox) {
        let ip = match &mut self.graph[host].logic {
            NodeLogic::Ip(ip) => Some(&mut **ip),
            NodeLogic::Switch(_) => None,
        };
        (ip, &mut self.out)
    }

    /// This simulation's number among those created by this program.
    pub fn run_id(&self) -> u64 {
        self.run_id
    }

    /// The current virtual time.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// The node named `name`.
    pub fn node_id(&self, name: &str) -> Option<NodeId> {
        // The first of any equal names: the sort is stable, so that is the
        // node added first (a builder refuses a second; a hand-built graph
        // may have one).
        let graph = &self.graph;
        let named = |&id: &NodeId| graph[id].name.as_str();
        let mut at = self
            .by_name
            .binary_search_by(|id| named(id).cmp(name))
            .ok()?;
        while at > 0 && self.by_name.get(at - 1).map(named) == Some(name) {
            at -= 1;
        }
        self.by_name.get(at).copied()
    }

    /// The IP stack of host or router `node`.
    pub fn ip_node(&self, node: NodeId) -> Option<&IpNode> {
        match &self.graph.node_weight(node)?.logic {
            NodeLogic::Ip(ip) => Some(ip),
            NodeLogic::Switch(_) => None,
        }
    }

    /// The IP stack of host or router `node`, to change (its TCP
    /// configuration, say) before the run.
    pub fn ip_node_mut(&mut self, node: NodeId) -> Option<&mut IpNode> {
        match &mut self.graph.node_weight_mut(node)?.logic {
            NodeLogic::Ip(ip) => Some(ip),
            NodeLogic::Switch(_) => None,
        }
    }

    pub(crate) fn schedule_timer(&mut self, at: SimTime, node: NodeId, timer: Timer) {
        self.push(at, Event::Timer { node, timer });
    }

    pub(super) fn push(&mut self, at: SimTime, event: Event) {
        // Events for the current instant come in order of time: one lane.
        let lane = (at == self.now).then_some(NOW_LANE);
        self.push_in_lane(at, event, lane);
    }

    /// [`Sim::push`] in a lane of the event queue (see [`EventQueue`]): the
    /// frames of one direction of a link, or the current instant's events.
    fn push_in_lane(&mut self, at: SimTime, event: Event, lane: Option<u32>) {
        if !event.is_background() {
            self.foreground += 1;
        }
        let cancellable = match &event {
            Event::Timer { node, timer } if timer.is_cancellable() => Some((*node, *timer)),
            _ => None,
        };
        let handle = match lane {
            Some(lane) => self.queue.push_in_lane(at, event, lane),
            None => self.queue.push(at, event),
        };
        if let Some(key) = cancellable {
            self.timer_handles
                .entry(key)
                .or_default()
                .push(handle, &self.queue);
        }
    }

    /// Schedules `pid`'s `Wake` with `token` for the present instant.
    ///
    /// It goes into the queue, unless nothing is due by now and no other
    /// process is woken so yet: then it would be the next event out
    /// whatever is pushed after it, and it waits in `next_wake` instead,
    /// for [`Sim::advance`] to take first (the same order, event for event,
    /// without the queue's cost). It takes the sequence number a push would
    /// have given it, and goes into the queue with it if the run stops
    /// before taking it (see [`Sim::requeue_next_wake`]).
    pub(super) fn wake_now(&mut self, pid: ProcessId, token: u64) {
        let short = self.next_wake.is_none() && self.queue.none_due_by(self.now);
        #[cfg(test)]
        let short = short && !self.queue_every_wake;
        if short {
            self.next_wake = Some((pid, token));
            self.next_wake_seq = self.queue.reserve_seq();
            self.foreground += 1;
            #[cfg(test)]
            {
                self.direct_wakes += 1;
            }
        } else {
            self.push(self.now, Event::Wake { pid, token });
        }
    }

    /// A cancellable timer fired: its handle (and any stale ones) go.
    fn forget_fired(&mut self, node: NodeId, timer: Timer) {
        if let Some(handles) = self.timer_handles.get_mut(&(node, timer)) {
            handles.retain_pending(&self.queue);
            if handles.is_empty() {
                self.timer_handles.remove(&(node, timer));
            }
        }
    }

    /// Cancels the pending events `pred` picks (a linear scan: for rare
    /// cases such as a timer made moot).
    pub(super) fn cancel_events(&mut self, mut pred: impl FnMut(&Event) -> bool) {
        if let Some((pid, token)) = self.next_wake {
            if pred(&Event::Wake { pid, token }) {
                self.next_wake = None;
                self.foreground -= 1;
            }
        }
        let cancelled = self.queue.cancel_where(pred);
        self.foreground -= cancelled.iter().filter(|e| !e.is_background()).count();
    }

    pub(crate) fn register_ping(&mut self, node: NodeId, local: usize) {
        self.pings.push((node, local));
    }

    /// The reports of every ping, in the order they were added.
    pub fn ping_reports(&self) -> Vec<PingReport> {
        self.pings
            .iter()
            .map(|&(node, local)| {
                self.ip_node(node)
                    .and_then(|ip| ip.ping_report(local))
                    .cloned()
                    .unwrap_or_default()
            })
            .collect()
    }

    /// Runs until nothing is left to do, the time limit, or the event cap.
    pub fn run(&mut self) -> RunSummary {
        // The world moves out for the run, so that it can be lent to each
        // process for its turn (see `lend`), and comes back at the end.
        let mut world = Box::new(std::mem::replace(self, Sim::vacant()));
        let reason = loop {
            match world.advance() {
                Ok(turn) => world = lend::take_turn(world, turn),
                Err(reason) => break reason,
            }
        };
        *self = *world;
        RunSummary {
            reason,
            end: self.now,
            events: self.events,
            frames: self.frames,
        }
    }

    /// Carries out events until a process is to take its turn (`Ok`) or the
    /// run stops (`Err`, with why).
    fn advance(&mut self) -> Result<Turn, StopReason> {
        loop {
            if self.halted {
                self.requeue_next_wake();
                return Err(StopReason::EventLimit);
            }
            if let Some((pid, token)) = self.next_wake {
                if self.now > self.time_limit || self.events >= self.max_events {
                    // The run stops before the wake: it waits in the queue,
                    // where the checks below stop the run as they would
                    // have with it there all along.
                    self.requeue_next_wake();
                } else {
                    self.next_wake = None;
                    self.foreground -= 1;
                    self.events += 1;
                    match self.wake_process(pid, token) {
                        Some(turn) => return Ok(turn),
                        None => continue,
                    }
                }
            }
            let Some(next) = self.queue.peek_time().filter(|_| self.foreground > 0) else {
                if self.deadlocked().is_empty() {
                    return Err(StopReason::Idle);
                }
                return Err(StopReason::Deadlock);
            };
            if next > self.time_limit {
                self.now = self.time_limit;
                return Err(StopReason::TimeLimit);
            }
            if self.events >= self.max_events {
                return Err(StopReason::EventLimit);
            }
            let Some((time, event)) = self.queue.pop() else {
                return Err(StopReason::Idle);
            };
            if !event.is_background() {
                self.foreground -= 1;
            }
            self.now = time;
            self.events += 1;
            if let Some(turn) = self.dispatch(event) {
                return Ok(turn);
            }
        }
    }

    /// Puts the `Wake` held in `next_wake` into the queue, with the key it
    /// would have had there. (Only when a run stops: kept out of line.)
    #[cold]
    #[inline(never)]
    fn requeue_next_wake(&mut self) {
        if let Some((pid, token)) = self.next_wake.take() {
            // Still counted in `foreground`, now as a queued event.
            let (at, seq) = (self.now, self.next_wake_seq);
            self.queue
                .push_reserved(at, seq, Event::Wake { pid, token });
            #[cfg(test)]
            {
                self.requeued_wakes += 1;
            }
        }
    }

    /// Flushes and closes every trace sink; returns the first error.
    pub fn finish_trace(&mut self) -> std::io::Result<()> {
        self.trace.finish()
    }

    /// Carries out one event; a process's turn is left to the caller.
    fn dispatch(&mut self, event: Event) -> Option<Turn> {
        let now = self.now;
        let node = match event {
            Event::Arrive { node, iface, frame } => {
                self.record(
                    node,
                    What::Frame {
                        iface,
                        dir: Direction::In,
                        bytes: &frame,
                    },
                );
                match &mut self.graph[node].logic {
                    NodeLogic::Ip(ip) if !self.corrupted_any => {
                        ip.on_intact_frame(now, iface, frame, &mut self.out)
                    }
                    NodeLogic::Ip(ip) => ip.on_frame(now, iface, frame, &mut self.out),
                    NodeLogic::Switch(sw) => sw.on_frame(now, iface, frame, &mut self.out),
                }
                node
            }
            Event::Timer { node, timer } => {
                if timer.is_cancellable() {
                    self.forget_fired(node, timer);
                }
                if let NodeLogic::Ip(ip) = &mut self.graph[node].logic {
                    ip.on_timer(now, timer, &mut self.out);
                }
                node
            }
            Event::Start { pid } => return Some(self.start_process(pid)),
            Event::Wake { pid, token } => return self.wake_process(pid, token),
        };
        self.carry_out(node);
        None
    }

    /// Carries out what `node` put in the outbox.
    pub(super) fn carry_out(&mut self, node: NodeId) {
        // Each list that has something is taken out and put back empty,
        // keeping its capacity: a node's step allocates nothing once the
        // lists have grown (and most steps leave most lists empty).
        if !self.out.readable.is_empty() {
            let mut readable = std::mem::take(&mut self.out.readable);
            for id in readable.drain(..) {
                self.socket_readable(node, id);
            }
            self.out.readable = readable;
        }
        if !self.out.notes.is_empty() {
            let notes = std::mem::take(&mut self.out.notes);
            for note in &notes {
                self.record(node, What::Note(note));
            }
            self.out.notes = notes;
            self.out.notes.clear();
        }
        if !self.out.cancels.is_empty() {
            self.carry_out_cancels(node);
        }
        if !self.out.timers.is_empty() {
            let mut timers = std::mem::take(&mut self.out.timers);
            for (at, timer) in timers.drain(..) {
                self.push(at, Event::Timer { node, timer });
            }
            self.out.timers = timers;
        }
        if !self.out.frames.is_empty() {
            let mut frames = std::mem::take(&mut self.out.frames);
            for (iface, frame) in frames.drain(..) {
                self.transmit(node, iface, frame);
            }
            self.out.frames = frames;
        }
    }

    /// Cancels the timers `node` asked to cancel.
    fn carry_out_cancels(&mut self, node: NodeId) {
        let mut cancels = std::mem::take(&mut self.out.cancels);
        for timer in cancels.drain(..) {
            if timer.is_cancellable() {
                for handle in self
                    .timer_handles
                    .remove(&(node, timer))
                    .unwrap_or_default()
                    .into_handles()
                {
                    if let Some(event) = self.queue.cancel(handle) {
                        self.foreground -= usize::from(!event.is_background());
                    }
                }
            } else {
                self.cancel_events(
                    |e| matches!(e, Event::Timer { node: n, timer: t } if *n == node && *t == timer),
                );
            }
        }
        self.out.cancels = cancels;
    }

    /// Hands `frame` to the link on `iface` of `node`.
    fn transmit(&mut self, node: NodeId, iface: usize, frame: Vec<u8>) {
        let Some((link_id, side)) = self.graph[node].ports.get(iface).and_then(|p| p.link) else {
            self.record(
                node,
                What::FrameDrop {
                    iface,
                    cause: DropCause::NoLink,
                    bytes: &frame,
                },
            );
            self.out.recycle(frame);
            return;
        };
        let link = &mut self.graph[link_id];
        let fate = link.channels[side].transmit(self.now, frame.len());
        let (far_node, far_iface) = link.ends[1 - side];
        if fate != Fate::QueueFull {
            self.frames += 1;
            self.record(
                node,
                What::Frame {
                    iface,
                    dir: Direction::Out,
                    bytes: &frame,
                },
            );
        }
        match fate {
            Fate::Arrives { first, copy } => {
                if let Some(copy) = copy {
                    self.record(node, What::Note(&Note::LinkDuplicate { iface }));
                    let twin = self.out.copy_of(&frame);
                    self.deliver(node, iface, (far_node, far_iface), copy, twin, None);
                }
                let lane = link_lane(link_id.index(), side);
                self.deliver(node, iface, (far_node, far_iface), first, frame, lane);
            }
            Fate::Lost | Fate::QueueFull | Fate::Down => {
                let cause = match fate {
                    Fate::Lost => DropCause::LinkLoss,
                    Fate::Down => DropCause::LinkDown,
                    _ => DropCause::QueueFull,
                };
                self.record(
                    node,
                    What::FrameDrop {
                        iface,
                        cause,
                        bytes: &frame,
                    },
                );
                self.out.recycle(frame);
            }
        }
    }

    /// Schedules one copy of a frame sent on `iface` of `node` to arrive at
    /// `far` as `arrival` says, flipping the bit the link corrupted.
    fn deliver(
        &mut self,
        node: NodeId,
        iface: usize,
        far: (NodeId, usize),
        arrival: Arrival,
        mut frame: Vec<u8>,
        lane: Option<u32>,
    ) {
        if let Some(bit) = arrival.flipped_bit {
            self.corrupted_any = true;
            if let Some(byte) = frame.get_mut(bit / 8) {
                *byte ^= 1 << (bit % 8);
            }
            self.record(node, What::Note(&Note::LinkCorrupt { iface, bit }));
        }
        if !arrival.held.is_zero() {
            let held = arrival.held;
            self.record(node, What::Note(&Note::LinkReorder { iface, held }));
        }
        let (node, iface) = far;
        self.push_in_lane(arrival.at, Event::Arrive { node, iface, frame }, lane);
    }

    pub(super) fn record(&mut self, node: NodeId, what: What<'_>) {
        if !self.trace.is_enabled() {
            return;
        }
        let n = &self.graph[node];
        self.trace.record(&Record {
            time: self.now,
            node: &n.name,
            ifaces: &n.iface_names,
            what,
        });
    }
}
