//! The scheduler: starts processes, carries out their calls, wakes them, and
//! reports the ones left blocked.

use std::time::Duration;

use super::lend::Turn;
use super::process::{
    self, BlockedCall, Exit, ProcState, Process, ProcessId, Reply, SpawnError, Syscall,
};
use super::world::{Event, Sim};
use super::SimTime;
use crate::stack::IpNode;
use crate::topo::NodeId;
use crate::trace::event::{Note, What};

impl Sim {
    /// Starts `body` as a process called `name` on host `host` at virtual
    /// time `at`. What it does through `simnet::net`, `simnet::thread` and
    /// `simnet::println!` acts on this simulation.
    pub fn spawn(
        &mut self,
        host: NodeId,
        name: &str,
        at: Duration,
        body: impl FnOnce() + 'static,
    ) -> Result<ProcessId, SpawnError> {
        let pid = self.create_process(host, name, Box::new(body))?;
        self.push(SimTime::ZERO + at, Event::Start { pid });
        Ok(pid)
    }

    /// Every process of the run, by id.
    pub fn processes(&self) -> &[Process] {
        &self.procs
    }

    /// Sets the stack size of processes created from now on, at least
    /// [`process::MIN_STACK_SIZE`].
    pub fn set_stack_size(&mut self, bytes: usize) {
        self.stack_size = bytes.max(process::MIN_STACK_SIZE);
    }

    fn create_process(
        &mut self,
        host: NodeId,
        name: &str,
        body: Box<dyn FnOnce()>,
    ) -> Result<ProcessId, SpawnError> {
        let coroutine = process::make_coroutine(body, self.stack_size)?;
        let pid = ProcessId(self.procs.len());
        self.procs.push(Process {
            id: pid,
            host,
            name: name.to_string(),
            state: ProcState::Starting,
            coroutine: Some(coroutine),
            wake_token: 0,
            reply: Reply::Done,
            again: None,
            joiners: Vec::new(),
            output: Vec::new(),
            partial: String::new(),
            children: 0,
            waiting_on: None,
            timeout_at: None,
            tcp_pending: None,
            socket_calls: 0,
            would_block: 0,
            turns: 0,
        });
        Ok(pid)
    }

    /// A `Start` event: the process's first turn.
    pub(super) fn start_process(&mut self, pid: ProcessId) -> Turn {
        self.note_process(pid, |name| Note::ProcessStart { name });
        Turn {
            pid,
            reply: Reply::Done,
        }
    }

    /// A `Wake` event: the process's turn, if it still waits for this token
    /// and its call (made again if it asked to be retried) now returns.
    pub(super) fn wake_process(&mut self, pid: ProcessId, token: u64) -> Option<Turn> {
        let p = self.procs.get_mut(pid.0)?;
        if p.wake_token != token || !matches!(p.state, ProcState::Blocked { .. }) {
            return None;
        }
        let mut reply = std::mem::replace(&mut p.reply, Reply::Done);
        let again = p.again.take();
        // Woken before its timeout (data came): the timeout's wake-up is
        // void, and must not keep the run going until it would have fired.
        if let Some(at) = p.timeout_at.take() {
            if at > self.now {
                self.cancel_events(
                    |e| matches!(e, Event::Wake { pid: p, token: t } if *p == pid && *t == token),
                );
            }
        }
        self.stop_reading(pid);
        // What the process would do first on waking: the same call again.
        if let (Reply::Retry, Some(call)) = (&reply, again) {
            reply = self.answer(pid, call)?;
        }
        Some(Turn { pid, reply })
    }

    /// Answers a call `pid` made in its turn (see [`Sim::answer`]),
    /// counting it if it is a socket call.
    #[inline]
    pub(super) fn answer_call(&mut self, pid: ProcessId, call: Syscall) -> Option<Reply> {
        if matches!(call, Syscall::Udp(_) | Syscall::Tcp(_) | Syscall::Poll(_)) {
            self.procs[pid.0].socket_calls += 1;
        }
        self.answer(pid, call)
    }

    /// Answers one call of `pid` (its first try or a retry): `Some` is the
    /// reply to resume it with, `None` means it is blocked, keeping the call
    /// to try again if it can be retried.
    #[inline]
    pub(super) fn answer(&mut self, pid: ProcessId, call: Syscall) -> Option<Reply> {
        let mut again = None;
        let reply = self.answer_with(pid, |sim| {
            again = call.retry_copy();
            sim.handle_syscall(pid, call)
        });
        if reply.is_none() {
            self.procs[pid.0].again = again;
        }
        reply
    }

    /// Answers one call of `pid` that `carry` carries out (its first try or
    /// a retry), counting it as an event: `Some` is the reply, `None` means
    /// the process is blocked (or the run reached its event cap).
    #[inline]
    pub(super) fn answer_with(
        &mut self,
        pid: ProcessId,
        carry: impl FnOnce(&mut Sim) -> Option<Reply>,
    ) -> Option<Reply> {
        // Each call counts as an event, so that a process that spins
        // without blocking still meets the event cap.
        self.events += 1;
        if self.events >= self.max_events {
            self.halted = true;
            self.block(pid, BlockedCall::EventLimit, false);
            return None;
        }
        let reply = carry(self);
        if reply.as_ref().is_some_and(Reply::is_would_block) {
            self.procs[pid.0].would_block += 1;
        }
        reply
    }

    /// Carries out a call; `Some` answers at once, `None` means the process
    /// is now blocked and something will wake it.
    fn handle_syscall(&mut self, pid: ProcessId, call: Syscall) -> Option<Reply> {
        let now = self.now;
        match call {
            Syscall::Now => Some(Reply::Time(now)),
            Syscall::Resolve(name) => {
                let host = self.procs[pid.0].host;
                if let Some(server) = self.ip_node(host).and_then(IpNode::resolver) {
                    return Some(Reply::Nameserver(server));
                }
                let addrs = self
                    .node_id(&name)
                    .and_then(|n| self.ip_node(n))
                    .map(|ip| ip.ifaces().iter().map(|i| i.addr()).collect())
                    .unwrap_or_default();
                Some(Reply::Addrs(addrs))
            }
            Syscall::Udp(call) => self.udp_call(pid, call),
            Syscall::Tcp(call) => self.tcp_call(pid, call),
            Syscall::Poll(call) => self.poll_call(pid, call),
            Syscall::WhoAmI => {
                let p = &self.procs[pid.0];
                Some(Reply::Me(pid, p.host, p.name.clone()))
            }
            Syscall::Print(text) => {
                let partial = &mut self.procs[pid.0].partial;
                partial.push_str(&text);
                let mut lines = Vec::new();
                while let Some(end) = partial.find('\n') {
                    let mut line: String = partial.drain(..=end).collect();
                    line.pop(); // the '\n' (`end` is a byte index, not a char count)
                    lines.push(line);
                }
                for line in lines {
                    self.print_line(pid, line);
                }
                Some(Reply::Done)
            }
            Syscall::Sleep(duration) => {
                let token = self.block(pid, BlockedCall::Sleep(duration), true);
                self.push(now + duration, Event::Wake { pid, token });
                None
            }
            Syscall::Spawn { mut name, body } => {
                let parent = &mut self.procs[pid.0];
                parent.children += 1;
                if name.is_empty() {
                    name = format!("{}-{}", parent.name, parent.children);
                }
                let host = parent.host;
                match self.create_process(host, &name, body) {
                    Ok(child) => {
                        self.push(now, Event::Start { pid: child });
                        Some(Reply::Spawned(child))
                    }
                    Err(e) => Some(Reply::Joined(Err(e.to_string()))),
                }
            }
            Syscall::Join(target) => {
                let Some(t) = self.procs.get_mut(target.0) else {
                    return Some(Reply::Joined(Err(format!("no process {}", target.0))));
                };
                if let ProcState::Exited(exit) = &t.state {
                    return Some(Reply::Joined(exit_result(exit)));
                }
                t.joiners.push(pid);
                let what = BlockedCall::Join(t.name.clone());
                self.block(pid, what, false);
                None
            }
        }
    }

    /// Marks `pid` blocked in `call`; returns the token that wakes it.
    pub(super) fn block(&mut self, pid: ProcessId, call: BlockedCall, timed: bool) -> u64 {
        let now = self.now;
        let p = &mut self.procs[pid.0];
        p.wake_token += 1;
        p.state = ProcState::Blocked {
            call,
            since: now,
            timed,
        };
        p.wake_token
    }

    /// Wakes `pid` now with `reply`.
    pub(crate) fn wake_with(&mut self, pid: ProcessId, reply: Reply) {
        if let Some(p) = self.procs.get_mut(pid.0) {
            p.reply = reply;
            let token = p.wake_token;
            self.wake_now(pid, token);
        }
    }

    fn print_line(&mut self, pid: ProcessId, line: String) {
        let now = self.now;
        self.procs[pid.0].output.push((now, line.clone()));
        self.note_process(pid, |name| Note::ProcessOutput { name, line });
    }

    pub(super) fn exit_process(&mut self, pid: ProcessId, exit: Exit) {
        let rest = std::mem::take(&mut self.procs[pid.0].partial);
        if !rest.is_empty() {
            self.print_line(pid, rest);
        }
        let p = &mut self.procs[pid.0];
        p.coroutine = None;
        p.state = ProcState::Exited(exit.clone());
        let joiners = std::mem::take(&mut p.joiners);
        let status = match &exit {
            Exit::Returned => None,
            Exit::Panicked(message) => Some(message.clone()),
        };
        let (calls, would_block) = (p.socket_calls, p.would_block);
        if would_block > 0 {
            self.note_process(pid, |name| Note::ProcessCalls {
                name,
                calls,
                would_block,
            });
        }
        self.note_process(pid, |name| Note::ProcessExit {
            name,
            panic: status,
        });
        for joiner in joiners {
            self.wake_with(joiner, Reply::Joined(exit_result(&exit)));
        }
    }

    pub(super) fn note_process(&mut self, pid: ProcessId, make: impl FnOnce(String) -> Note) {
        if !self.trace.is_enabled() {
            return;
        }
        let p = &self.procs[pid.0];
        let (host, note) = (p.host, make(p.name.clone()));
        self.record(host, What::Note(&note));
    }

    /// Processes blocked with nothing that could wake them, as lines like
    /// `pc2 udp-echo-server: blocked in recv_from on 0.0.0.0:7852 since 0.010000`.
    pub fn deadlocked(&self) -> Vec<String> {
        self.procs
            .iter()
            .filter_map(|p| match &p.state {
                ProcState::Blocked {
                    call,
                    since,
                    timed: false,
                } => Some(format!(
                    "{} {}: blocked in {call} since {since}",
                    self.graph()[p.host].name,
                    p.name
                )),
                _ => None,
            })
            .collect()
    }
}

fn exit_result(exit: &Exit) -> Result<(), String> {
    match exit {
        Exit::Returned => Ok(()),
        Exit::Panicked(message) => Err(message.clone()),
    }
}
