//! Seed 003's I/O models once more, as Rust writes them today: `async fn`
//! and `.await`, one thread, one task per client. The runtime is
//! [`crate::io::runtime`], a small executor over `simnet::io::Poll`,
//! because tokio's reactor cannot wait in virtual time.

use std::io;
use std::net::SocketAddr;

use super::args::{nth, take_number};
use crate::io::runtime::{AsyncTcpStream, Runtime};
use crate::net::ToSocketAddrs;
use crate::println;

/// `echo-server-async [--clients N] [BIND]`: an echo server on BIND
/// (default `0.0.0.0:8888`), a task per client on one thread; it stops
/// after N clients have come and gone (default: never).
pub fn echo_server_async(args: &[String]) {
    let (clients, args) = match take_number(args, "--clients") {
        Ok(got) => got,
        Err(e) => return println!("error: {e}"),
    };
    let bind = nth(&args, 0, "0.0.0.0:8888");
    let addr = match bind.to_socket_addrs().map(|mut a| a.next()) {
        Ok(Some(addr)) => addr,
        Ok(None) => return println!("error: {bind}: no address"),
        Err(e) => return println!("error: {bind}: {e}"),
    };
    let rt = match Runtime::new() {
        Ok(rt) => rt,
        Err(e) => return println!("error: {e}"),
    };
    match rt.block_on(serve(&rt, addr, bind, clients)) {
        Ok(Ok(())) => {}
        Ok(Err(e)) | Err(e) => println!("error: {e}"),
    }
}

async fn serve(rt: &Runtime, addr: SocketAddr, bind: &str, clients: Option<u64>) -> io::Result<()> {
    let listener = rt.bind(addr)?;
    println!("echo server on {bind}, one thread, a task per client");
    let mut tasks = Vec::new();
    let mut accepted = 0;
    while clients.is_none_or(|n| accepted < n) {
        let (stream, from) = listener.accept().await?;
        accepted += 1;
        println!("new connection from {from}");
        tasks.push(rt.spawn(echo(stream, from)));
    }
    for task in tasks {
        task.await;
    }
    Ok(())
}

async fn echo(stream: AsyncTcpStream, from: SocketAddr) {
    let mut buf = [0u8; 1024];
    loop {
        match stream.read(&mut buf).await {
            Ok(0) => break println!("{from} closed the connection"),
            Ok(n) => {
                if let Err(e) = stream.write_all(&buf[..n]).await {
                    break println!("error: {from}: {e}");
                }
            }
            Err(e) => break println!("error: {from}: {e}"),
        }
    }
}
