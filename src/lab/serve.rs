//! Serving an axum router over HTTP or HTTPS on a listener, with every connection ended when the server is dropped.

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use rustls::ServerConfig;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// A running server; dropping it stops the server and its connections.
pub struct Server {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves `app` on `bind` (port 0 picks a free port), over TLS when `tls` is given.
pub async fn serve(
    bind: SocketAddr,
    app: Router,
    tls: Option<Arc<ServerConfig>>,
) -> std::io::Result<Server> {
    let listener = TcpListener::bind(bind).await?;
    Ok(serve_listener(listener, app, tls))
}

/// Serves `app` on a listener the caller bound.
pub fn serve_listener(
    listener: TcpListener,
    app: Router,
    tls: Option<Arc<ServerConfig>>,
) -> Server {
    let addr = listener
        .local_addr()
        .expect("a bound listener has an address");
    let task = tokio::spawn(async move {
        let mut connections = JoinSet::new();
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let (app, tls) = (app.clone(), tls.clone());
            connections.spawn(connection(stream, app, tls));
            while connections.try_join_next().is_some() {}
        }
    });
    Server { addr, task }
}

async fn connection(stream: TcpStream, app: Router, tls: Option<Arc<ServerConfig>>) {
    let _ = stream.set_nodelay(true);
    let service = TowerToHyperService::new(app);
    let builder = auto::Builder::new(TokioExecutor::new());
    match tls {
        None => {
            let _ = builder
                .serve_connection(TokioIo::new(stream), service)
                .await;
        }
        Some(config) => {
            let acceptor = tokio_rustls::TlsAcceptor::from(config);
            let Ok(Ok(tls_stream)) =
                tokio::time::timeout(Duration::from_secs(10), acceptor.accept(stream)).await
            else {
                return;
            };
            let _ = builder
                .serve_connection(TokioIo::new(tls_stream), service)
                .await;
        }
    }
}
