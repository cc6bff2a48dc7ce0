//! What a node hands back to the world after handling an input: frames to
//! send, timers to arm and trace notes. Nodes never touch the event queue or
//! the links themselves (the sans-IO rule of DESIGN.md, principle 2).

use crate::sim::SimTime;
use crate::stack::timer::Timer;
use crate::stack::udp::SocketId;
use crate::trace::event::Note;
use crate::wire::ethernet::MAX_FRAME_LEN;

/// Recycled frame buffers, so that the hot path does not allocate per frame.
#[derive(Debug, Default)]
pub struct FramePool {
    free: Vec<Vec<u8>>,
}

impl FramePool {
    /// Buffers kept for reuse at most; beyond, returned buffers are freed.
    const KEEP: usize = 4096;

    /// An empty buffer with room for a full frame.
    pub fn take(&mut self) -> Vec<u8> {
        self.free
            .pop()
            .unwrap_or_else(|| Vec::with_capacity(MAX_FRAME_LEN))
    }

    /// Returns a buffer for reuse.
    pub fn give(&mut self, mut buf: Vec<u8>) {
        if self.free.len() < Self::KEEP && buf.capacity() >= MAX_FRAME_LEN {
            buf.clear();
            self.free.push(buf);
        }
    }
}

/// The outputs of one step of a node.
#[derive(Debug, Default)]
pub struct Outbox {
    /// Frames to send: (interface index, frame bytes).
    pub frames: Vec<(usize, Vec<u8>)>,
    /// Timers to arm: (when, which).
    pub timers: Vec<(SimTime, Timer)>,
    /// Timers to cancel: every pending firing of each is removed.
    pub cancels: Vec<Timer>,
    /// Sockets that became readable (or got an error): wake their readers.
    pub readable: Vec<SocketId>,
    /// Trace notes, collected only when [`Outbox::tracing`] is true.
    pub notes: Vec<Note>,
    /// Whether anyone reads the trace; layers build notes only if so.
    pub tracing: bool,
    /// Spare frame buffers.
    pub pool: FramePool,
}

impl Outbox {
    /// An outbox; `tracing` says whether notes are wanted.
    pub fn new(tracing: bool) -> Self {
        Outbox {
            tracing,
            ..Outbox::default()
        }
    }

    /// Sends `frame` on interface `iface`.
    pub fn send(&mut self, iface: usize, frame: Vec<u8>) {
        self.frames.push((iface, frame));
    }

    /// Arms `timer` to fire at `at`.
    pub fn arm(&mut self, at: SimTime, timer: Timer) {
        self.timers.push((at, timer));
    }

    /// Cancels every pending firing of `timer`.
    pub fn cancel(&mut self, timer: Timer) {
        self.cancels.push(timer);
    }

    /// Adds a trace note built by `make`, which runs only when tracing.
    pub fn note(&mut self, make: impl FnOnce() -> Note) {
        if self.tracing {
            self.notes.push(make());
        }
    }

    /// A buffer for a new frame.
    #[inline]
    pub fn take_buffer(&mut self) -> Vec<u8> {
        self.pool.take()
    }

    /// A copy of `frame` in a recycled buffer.
    pub fn copy_of(&mut self, frame: &[u8]) -> Vec<u8> {
        let mut copy = self.pool.take();
        copy.extend_from_slice(frame);
        copy
    }

    /// Gives back a frame that will not be sent.
    #[inline]
    pub fn recycle(&mut self, frame: Vec<u8>) {
        self.pool.give(frame);
    }
}
