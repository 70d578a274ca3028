//! A watch's body read ahead of its decoding: a tower layer under kube's client.
//!
//! hyper hands a response's body over a channel that holds about one chunk, so a watch's
//! connection reads and decrypts the next chunk only once the watcher has decoded the last one:
//! on a 150,000-pod streamed list the two alternate, and neither core is busy. Here a task of
//! its own pulls each watch's body into a bounded queue, so the connection goes on reading
//! while the objects already received are decoded. The queue is bounded: a watcher that falls
//! behind slows its connection down as before (TCP backpressure), and memory stays a few
//! chunks per watch. Errors travel in order with the data; a watcher that drops its stream
//! drops the task's queue, and the task ends, dropping the connection's body.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame};
use http_body_util::BodyExt;
use tower::BoxError;

/// Chunks a watch's queue holds (each up to hyper's read buffer, some kB to a few hundred).
const QUEUE: usize = 32;

/// The tower layer.
#[derive(Clone, Copy)]
pub struct ReadAhead;

impl<S> tower::Layer<S> for ReadAhead {
    type Service = ReadingAhead<S>;

    fn layer(&self, inner: S) -> ReadingAhead<S> {
        ReadingAhead { inner }
    }
}

#[derive(Clone)]
pub struct ReadingAhead<S> {
    inner: S,
}

/// A response's body: read by its receiver (a LIST page, a GET), or read ahead (a watch).
pub enum AheadBody<B> {
    Direct(Pin<Box<B>>),
    Ahead(tokio::sync::mpsc::Receiver<Result<Frame<Bytes>, BoxError>>),
}

impl<S, Req, B> tower::Service<http::Request<Req>> for ReadingAhead<S>
where
    S: tower::Service<http::Request<Req>, Response = http::Response<B>>,
    S::Future: Send + 'static,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError> + Send,
{
    type Response = http::Response<AheadBody<B>>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<Req>) -> Self::Future {
        let watch = is_watch(request.uri().query().unwrap_or_default());
        let response = self.inner.call(request);
        Box::pin(async move {
            let response = response.await?;
            // An error's body is short and read whole: only a watch that answered is a stream.
            if !watch || !response.status().is_success() {
                return Ok(response.map(|b| AheadBody::Direct(Box::pin(b))));
            }
            Ok(response.map(|body| {
                let (tx, rx) = tokio::sync::mpsc::channel(QUEUE);
                tokio::spawn(pump(body, tx));
                AheadBody::Ahead(rx)
            }))
        })
    }
}

/// Moves `body`'s frames into `tx` until the body ends or fails, or the receiver is gone (then
/// at once, even on a quiet watch: the body and its connection are dropped with the task).
async fn pump<B>(body: B, tx: tokio::sync::mpsc::Sender<Result<Frame<Bytes>, BoxError>>)
where
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError> + Send,
{
    let mut body = std::pin::pin!(body);
    loop {
        let frame = tokio::select! {
            frame = body.frame() => frame,
            () = tx.closed() => return,
        };
        let Some(frame) = frame else { return };
        let frame: Result<Frame<Bytes>, BoxError> = frame.map_err(Into::into);
        let failed = frame.is_err();
        if tx.send(frame).await.is_err() || failed {
            return;
        }
    }
}

/// A WATCH request (`watch=true` or `watch=1` in its query), as kube-rs and kubectl send it.
fn is_watch(query: &str) -> bool {
    query
        .split('&')
        .any(|p| p == "watch=true" || p == "watch=1")
}

impl<B> Body for AheadBody<B>
where
    B: Body<Data = Bytes>,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        match self.get_mut() {
            AheadBody::Direct(body) => body.as_mut().poll_frame(cx).map_err(Into::into),
            AheadBody::Ahead(rx) => rx.poll_recv(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            AheadBody::Direct(body) => body.is_end_stream(),
            AheadBody::Ahead(_) => false,
        }
    }

    fn size_hint(&self) -> http_body::SizeHint {
        match self {
            AheadBody::Direct(body) => body.size_hint(),
            AheadBody::Ahead(_) => http_body::SizeHint::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::{BodyExt, StreamBody};

    type Direct = StreamBody<futures::stream::Empty<Result<Frame<Bytes>, std::io::Error>>>;

    #[test]
    fn only_watches_are_read_ahead() {
        assert!(is_watch(
            "watch=true&resourceVersion=5&allowWatchBookmarks=true"
        ));
        assert!(is_watch("labelSelector=a&watch=1"));
        assert!(!is_watch("limit=500"));
        assert!(!is_watch("watch=false"));
        assert!(!is_watch(""));
    }

    /// A body read ahead gives its chunks in order, then its error, then nothing: what the
    /// watcher decodes and the error it reports are those of the connection.
    #[tokio::test]
    async fn a_body_read_ahead_keeps_its_order_and_its_error() {
        let chunks: Vec<Result<Frame<Bytes>, std::io::Error>> = (0..100)
            .map(|i| Ok(Frame::data(Bytes::from(format!("{i}\n")))))
            .chain([Err(std::io::Error::other("connection reset"))])
            .collect();
        let body = StreamBody::new(futures::stream::iter(chunks));
        let (tx, rx) = tokio::sync::mpsc::channel(QUEUE);
        tokio::spawn(pump(body, tx));
        let mut ahead: AheadBody<Direct> = AheadBody::Ahead(rx);
        let mut text = String::new();
        let error = loop {
            match ahead.frame().await {
                Some(Ok(frame)) => {
                    text.push_str(std::str::from_utf8(frame.data_ref().unwrap()).unwrap())
                }
                Some(Err(e)) => break e.to_string(),
                None => panic!("the error was lost"),
            }
        };
        let expected: String = (0..100).map(|i| format!("{i}\n")).collect();
        assert_eq!(text, expected);
        assert_eq!(error, "connection reset");
        assert!(ahead.frame().await.is_none());
    }

    /// A watcher that lets its stream go frees the connection at once, even while the server
    /// sends nothing (a quiet watch can stay open for minutes).
    #[tokio::test]
    async fn a_body_no_one_reads_is_dropped_at_once() {
        /// Holds `_held` as a connection would be held: dropped with the body.
        struct Quiet {
            _held: std::sync::Arc<()>,
        }
        impl Body for Quiet {
            type Data = Bytes;
            type Error = std::io::Error;
            fn poll_frame(
                self: Pin<&mut Self>,
                _: &mut Context<'_>,
            ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
                Poll::Pending
            }
        }
        let held = std::sync::Arc::new(());
        let (tx, rx) = tokio::sync::mpsc::channel(QUEUE);
        let task = tokio::spawn(pump(
            Quiet {
                _held: held.clone(),
            },
            tx,
        ));
        drop(rx);
        tokio::time::timeout(std::time::Duration::from_secs(5), task)
            .await
            .expect("the task ends when its receiver is gone")
            .unwrap();
        assert_eq!(
            std::sync::Arc::strong_count(&held),
            1,
            "the body is dropped"
        );
    }
}
