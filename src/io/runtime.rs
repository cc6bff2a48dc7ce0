//! A thin async runtime over [`Poll`]: `async fn`s and `.await` on
//! simnet's sockets, on both backends, without tokio.
//!
//! A tokio program cannot run inside the simulation as it is: tokio's
//! reactor waits on the real epoll and its timers on the wall clock, and
//! neither is the simulation's. What tokio does underneath is what this
//! module does on top of `simnet::io`: each socket is registered once with
//! a [`Poll`]; an operation that would block stores the task's [`Waker`]
//! and returns `Pending`; the executor polls the tasks that were woken and,
//! when none is, waits in `Poll::poll` (in virtual time, inside the
//! simulation) and wakes the tasks whose sockets became ready.
//!
//! ```no_run
//! use simnet::io::runtime::Runtime;
//!
//! let rt = Runtime::new()?;
//! rt.block_on(async {
//!     let listener = rt.bind("0.0.0.0:8888".parse().unwrap())?;
//!     for _ in 0..3 {
//!         let (stream, _) = listener.accept().await?;
//!         rt.spawn(async move {
//!             let mut buf = [0u8; 1024];
//!             while let Ok(n @ 1..) = stream.read(&mut buf).await {
//!                 if stream.write_all(&buf[..n]).await.is_err() {
//!                     break;
//!                 }
//!             }
//!         });
//!     }
//!     Ok::<(), std::io::Error>(())
//! })??;
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! It is one thread, as a tokio `current_thread` runtime: tasks take turns
//! at their `.await`s. There are no timers; use the sockets' own timeouts
//! or a plain `sleep` between turns.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, VecDeque};
use std::future::{poll_fn, Future};
use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll as TaskPoll, Wake, Waker};

use super::net::{TcpListener, TcpStream};
use super::{Events, Interest, Poll, Registry, Token};

type Task = Pin<Box<dyn Future<Output = ()>>>;

/// The wakers waiting on one socket.
#[derive(Default)]
struct Waiting {
    read: Option<Waker>,
    write: Option<Waker>,
}

struct Inner {
    poll: RefCell<Poll>,
    registry: Registry,
    waiting: RefCell<BTreeMap<Token, Waiting>>,
    next_token: Cell<usize>,
    tasks: RefCell<Vec<Option<Task>>>,
    spawned: RefCell<Vec<Task>>,
    woken: Arc<Woken>,
}

/// Which tasks were woken since the executor last looked (a task waker may
/// only be `Send`, hence the lock; it is never contended: one thread).
#[derive(Default)]
struct Woken {
    main: AtomicBool,
    tasks: Mutex<VecDeque<usize>>,
}

struct TaskWaker {
    /// `None` for the future given to `block_on`.
    task: Option<usize>,
    woken: Arc<Woken>,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        match self.task {
            None => self.woken.main.store(true, Ordering::SeqCst),
            Some(id) => {
                if let Ok(mut queue) = self.woken.tasks.lock() {
                    if !queue.contains(&id) {
                        queue.push_back(id);
                    }
                }
            }
        }
    }
}

/// A single-threaded executor whose reactor is a [`Poll`].
#[derive(Clone)]
pub struct Runtime {
    inner: Rc<Inner>,
}

impl Runtime {
    /// A runtime with its own poll set.
    pub fn new() -> io::Result<Runtime> {
        let poll = Poll::new()?;
        let registry = poll.registry().try_clone()?;
        Ok(Runtime {
            inner: Rc::new(Inner {
                poll: RefCell::new(poll),
                registry,
                waiting: RefCell::new(BTreeMap::new()),
                next_token: Cell::new(0),
                tasks: RefCell::new(Vec::new()),
                spawned: RefCell::new(Vec::new()),
                woken: Arc::new(Woken::default()),
            }),
        })
    }

    /// Starts `task`; it runs whenever `block_on`'s future waits. The
    /// handle, awaited, gives its output.
    pub fn spawn<T: 'static>(&self, task: impl Future<Output = T> + 'static) -> JoinHandle<T> {
        let state = Rc::new(RefCell::new(JoinState {
            output: None,
            waker: None,
        }));
        let done = Rc::clone(&state);
        let task = async move {
            let output = task.await;
            let mut done = done.borrow_mut();
            done.output = Some(output);
            if let Some(w) = done.waker.take() {
                w.wake();
            }
        };
        self.inner.spawned.borrow_mut().push(Box::pin(task));
        if let Ok(mut queue) = self.inner.woken.tasks.lock() {
            let id = self.inner.tasks.borrow().len() + self.inner.spawned.borrow().len() - 1;
            queue.push_back(id);
        }
        JoinHandle { state }
    }

    /// Runs `future` (and the tasks spawned meanwhile) until it completes.
    /// Errors only when the poll itself fails.
    pub fn block_on<F: Future>(&self, future: F) -> io::Result<F::Output> {
        let mut future = std::pin::pin!(future);
        let woken = &self.inner.woken;
        let main = Waker::from(Arc::new(TaskWaker {
            task: None,
            woken: Arc::clone(woken),
        }));
        woken.main.store(true, Ordering::SeqCst);
        let mut events = Events::with_capacity(64);
        loop {
            if woken.main.swap(false, Ordering::SeqCst) {
                if let TaskPoll::Ready(out) = future.as_mut().poll(&mut Context::from_waker(&main))
                {
                    return Ok(out);
                }
            }
            let spawned: Vec<Task> = self.inner.spawned.borrow_mut().drain(..).collect();
            self.inner
                .tasks
                .borrow_mut()
                .extend(spawned.into_iter().map(Some));
            let ready: Vec<usize> = match woken.tasks.lock() {
                Ok(mut queue) => queue.drain(..).collect(),
                Err(_) => Vec::new(),
            };
            for id in &ready {
                self.run_task(*id);
            }
            let more = woken.main.load(Ordering::SeqCst)
                || woken.tasks.lock().is_ok_and(|q| !q.is_empty());
            if ready.is_empty() && !more {
                self.inner.poll.borrow_mut().poll(&mut events, None)?;
                self.wake_ready(&events);
            }
        }
    }

    fn run_task(&self, id: usize) {
        // Taken out while it runs, so that it may spawn and register.
        let Some(mut task) = self
            .inner
            .tasks
            .borrow_mut()
            .get_mut(id)
            .and_then(Option::take)
        else {
            return;
        };
        let waker = Waker::from(Arc::new(TaskWaker {
            task: Some(id),
            woken: Arc::clone(&self.inner.woken),
        }));
        if task
            .as_mut()
            .poll(&mut Context::from_waker(&waker))
            .is_pending()
        {
            if let Some(slot) = self.inner.tasks.borrow_mut().get_mut(id) {
                *slot = Some(task);
            }
        }
    }

    fn wake_ready(&self, events: &Events) {
        let mut waiting = self.inner.waiting.borrow_mut();
        for event in events.iter() {
            let Some(slot) = waiting.get_mut(&event.token()) else {
                continue;
            };
            if event.is_readable() || event.is_read_closed() || event.is_error() {
                if let Some(w) = slot.read.take() {
                    w.wake();
                }
            }
            if event.is_writable() || event.is_write_closed() || event.is_error() {
                if let Some(w) = slot.write.take() {
                    w.wake();
                }
            }
        }
    }

    fn token(&self) -> Token {
        let n = self.inner.next_token.get();
        self.inner.next_token.set(n + 1);
        Token(n)
    }

    /// A listener on `addr`.
    pub fn bind(&self, addr: SocketAddr) -> io::Result<AsyncTcpListener> {
        let mut listener = TcpListener::bind(addr)?;
        let token = self.token();
        self.inner
            .registry
            .register(&mut listener, token, Interest::READABLE)?;
        self.inner
            .waiting
            .borrow_mut()
            .insert(token, Waiting::default());
        Ok(AsyncTcpListener {
            listener,
            token,
            rt: self.clone(),
        })
    }

    /// A connection to `addr`, once the handshake is done.
    pub async fn connect(&self, addr: SocketAddr) -> io::Result<AsyncTcpStream> {
        let stream = self.adopt(TcpStream::connect(addr)?)?;
        // A non-blocking connect is done when the socket becomes writable.
        poll_fn(|cx| match stream.stream.peer_addr() {
            Ok(_) => TaskPoll::Ready(Ok(())),
            Err(e) if e.kind() == io::ErrorKind::NotConnected => {
                match stream.stream.take_error() {
                    Ok(Some(err)) => return TaskPoll::Ready(Err(err)),
                    Err(err) => return TaskPoll::Ready(Err(err)),
                    Ok(None) => {}
                }
                self.wait(stream.token, cx, false);
                TaskPoll::Pending
            }
            Err(e) => TaskPoll::Ready(Err(e)),
        })
        .await?;
        Ok(stream)
    }

    fn adopt(&self, mut stream: TcpStream) -> io::Result<AsyncTcpStream> {
        let token = self.token();
        self.inner.registry.register(
            &mut stream,
            token,
            Interest::READABLE | Interest::WRITABLE,
        )?;
        self.inner
            .waiting
            .borrow_mut()
            .insert(token, Waiting::default());
        Ok(AsyncTcpStream {
            stream,
            token,
            rt: self.clone(),
        })
    }

    /// Keeps `cx`'s waker until `token` is ready to read (or to write).
    fn wait(&self, token: Token, cx: &Context<'_>, read: bool) {
        if let Some(slot) = self.inner.waiting.borrow_mut().get_mut(&token) {
            let waker = Some(cx.waker().clone());
            if read {
                slot.read = waker;
            } else {
                slot.write = waker;
            }
        }
    }

    /// Runs `op` until it does not block, waiting for readiness between
    /// tries.
    async fn io<T>(
        &self,
        token: Token,
        read: bool,
        mut op: impl FnMut() -> io::Result<T>,
    ) -> io::Result<T> {
        poll_fn(|cx| match op() {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.wait(token, cx, read);
                TaskPoll::Pending
            }
            other => TaskPoll::Ready(other),
        })
        .await
    }

    fn forget(&self, token: Token) {
        self.inner.waiting.borrow_mut().remove(&token);
    }
}

struct JoinState<T> {
    output: Option<T>,
    waker: Option<Waker>,
}

/// A spawned task; awaiting it gives the task's output.
pub struct JoinHandle<T> {
    state: Rc<RefCell<JoinState<T>>>,
}

impl<T> Future for JoinHandle<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> TaskPoll<T> {
        let mut state = self.state.borrow_mut();
        match state.output.take() {
            Some(output) => TaskPoll::Ready(output),
            None => {
                state.waker = Some(cx.waker().clone());
                TaskPoll::Pending
            }
        }
    }
}

/// A listening socket whose `accept` awaits.
pub struct AsyncTcpListener {
    listener: TcpListener,
    token: Token,
    rt: Runtime,
}

impl AsyncTcpListener {
    /// The next connection.
    pub async fn accept(&self) -> io::Result<(AsyncTcpStream, SocketAddr)> {
        let (stream, addr) = self
            .rt
            .io(self.token, true, || self.listener.accept())
            .await?;
        Ok((self.rt.adopt(stream)?, addr))
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }
}

impl Drop for AsyncTcpListener {
    fn drop(&mut self) {
        let _ = self.rt.inner.registry.deregister(&mut self.listener);
        self.rt.forget(self.token);
    }
}

/// A connected socket whose reads and writes await.
pub struct AsyncTcpStream {
    stream: TcpStream,
    token: Token,
    rt: Runtime,
}

impl AsyncTcpStream {
    /// Reads what has arrived (0 at the end of the stream).
    pub async fn read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.rt
            .io(self.token, true, || (&self.stream).read(buf))
            .await
    }

    /// Writes all of `buf`, waiting for room as often as it takes.
    pub async fn write_all(&self, mut buf: &[u8]) -> io::Result<()> {
        while !buf.is_empty() {
            let n = self
                .rt
                .io(self.token, false, || (&self.stream).write(buf))
                .await?;
            if n == 0 {
                return Err(io::ErrorKind::WriteZero.into());
            }
            buf = &buf[n..];
        }
        Ok(())
    }

    /// The address of the other end.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.stream.peer_addr()
    }

    /// Shuts down the reading, writing or both halves.
    pub fn shutdown(&self, how: std::net::Shutdown) -> io::Result<()> {
        self.stream.shutdown(how)
    }
}

impl Drop for AsyncTcpStream {
    fn drop(&mut self) {
        let _ = self.rt.inner.registry.deregister(&mut self.stream);
        self.rt.forget(self.token);
    }
}
