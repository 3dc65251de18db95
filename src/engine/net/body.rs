//! Reading response bodies within bounds: the request's cap, the scan's body memory budget (bytes are counted
//! before they are allocated), gzip and deflate inflated as the body arrives and stopped at the cap, and the end of
//! the first server-sent event found in one pass.

use super::NetError;
use bytes::Bytes;
use http::HeaderMap;
use http_body_util::BodyExt;
use std::io::Write;
use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// A body cut by the scan's budget is still kept when it holds at least this much (enough for a page's head, its
/// links and most documents a probe verifies); a shorter one fails the request rather than pass for the whole body.
pub const BUDGET_FLOOR: usize = 64 * 1024;

/// Raw bytes of an encoded body kept until the decoder produces output, to fall back to the raw body when a server
/// labels a plain body `gzip`.
const RAW_PREFIX: usize = 64 * 1024;

/// The bytes of response bodies one scan may hold at once, however many targets and requests it runs: every read
/// takes its bytes from here before it allocates them and gives them back when the body is dropped (a body kept in a
/// page cache keeps its bytes until its host is done).
#[derive(Clone, Debug)]
pub struct BodyBudget {
    bytes: Arc<Semaphore>,
    total: usize,
}

impl BodyBudget {
    /// A budget of `total` bytes.
    pub fn new(total: usize) -> BodyBudget {
        BodyBudget {
            bytes: Arc::new(Semaphore::new(total)),
            total,
        }
    }

    /// Bytes held by bodies now.
    pub fn in_use(&self) -> usize {
        self.total - self.bytes.available_permits()
    }

    fn take(&self, n: usize) -> Option<OwnedSemaphorePermit> {
        let n = u32::try_from(n).ok()?;
        self.bytes.clone().try_acquire_many_owned(n).ok()
    }

    fn error(&self) -> NetError {
        NetError::BodyBudget(self.total)
    }
}

/// The share of a [`BodyBudget`] one body holds; given back when the last copy of the response is dropped.
#[derive(Debug)]
pub struct BodyLease(#[allow(dead_code)] OwnedSemaphorePermit);

/// A growing body buffer whose capacity is never more than its cap nor more than the budget granted.
struct Buffer<'a> {
    data: Vec<u8>,
    cap: usize,
    budget: Option<&'a BodyBudget>,
    lease: Option<OwnedSemaphorePermit>,
    /// The budget refused to let the buffer grow.
    starved: bool,
}

impl<'a> Buffer<'a> {
    fn new(cap: usize, budget: Option<&'a BodyBudget>) -> Buffer<'a> {
        Buffer {
            data: Vec::new(),
            cap,
            budget,
            lease: None,
            starved: false,
        }
    }

    fn room(&self) -> usize {
        self.cap - self.data.len()
    }

    /// Appends as much of `bytes` as the cap and the budget allow; false when some was left out.
    fn push(&mut self, bytes: &[u8]) -> bool {
        let take = bytes.len().min(self.room());
        let need = self.data.len() + take;
        if need > self.data.capacity() {
            self.grow(need);
        }
        let fits = (self.data.capacity() - self.data.len()).min(take);
        self.data.extend_from_slice(&bytes[..fits]);
        fits == bytes.len()
    }

    /// Grows the capacity towards `need` (doubling, never past the cap), taking the bytes from the budget first; when
    /// the budget cannot cover `need`, takes what is left of it and notes that it starved.
    fn grow(&mut self, need: usize) {
        let old = self.data.capacity();
        let want = need.max(old * 2).max(8 * 1024).min(self.cap);
        let target = match self.budget {
            None => want,
            Some(budget) => {
                let left = || budget.bytes.available_permits().min(need - old);
                let taken = budget
                    .take(want - old)
                    .map(|p| (p, want))
                    .or_else(|| budget.take(need - old).map(|p| (p, need)))
                    .or_else(|| {
                        self.starved = true;
                        let left = left();
                        (left > 0).then(|| budget.take(left).map(|p| (p, old + left)))?
                    });
                let Some((permit, target)) = taken else {
                    self.starved = true;
                    return;
                };
                match &mut self.lease {
                    Some(lease) => lease.merge(permit),
                    None => self.lease = Some(permit),
                }
                target
            }
        };
        self.data.reserve_exact(target - self.data.len());
    }

    fn len(&self) -> usize {
        self.data.len()
    }

    /// The body and its lease; the lease covers the buffer's capacity.
    fn finish(self) -> (Bytes, Option<BodyLease>) {
        let mut lease = self.lease;
        if let Some(l) = &mut lease {
            let spare = l.num_permits().saturating_sub(self.data.capacity());
            drop(l.split(spare));
        }
        (Bytes::from(self.data), lease.map(BodyLease))
    }
}

/// The decoded side of an encoded body: a writer the decoder fills, stopping at the cap or the budget.
struct Sink<'a> {
    out: Buffer<'a>,
    full: bool,
}

impl Write for Sink<'_> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if data.is_empty() {
            return Ok(0);
        }
        if self.full {
            return Err(std::io::Error::other("body cap reached"));
        }
        let before = self.out.len();
        if !self.out.push(data) {
            self.full = true;
            let written = self.out.len() - before;
            return if written == 0 {
                Err(std::io::Error::other("body cap reached"))
            } else {
                Ok(written)
            };
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

enum Decoder<'a> {
    Gzip(Box<flate2::write::GzDecoder<Sink<'a>>>),
    Zlib(Box<flate2::write::ZlibDecoder<Sink<'a>>>),
}

impl<'a> Decoder<'a> {
    fn write_all(&mut self, data: &[u8]) -> std::io::Result<()> {
        match self {
            Decoder::Gzip(d) => d.write_all(data),
            Decoder::Zlib(d) => d.write_all(data),
        }
    }

    fn try_finish(&mut self) -> std::io::Result<()> {
        match self {
            Decoder::Gzip(d) => d.try_finish(),
            Decoder::Zlib(d) => d.try_finish(),
        }
    }

    fn sink(&self) -> &Sink<'a> {
        match self {
            Decoder::Gzip(d) => d.get_ref(),
            Decoder::Zlib(d) => d.get_ref(),
        }
    }

    /// The decoded body so far (the decoder keeps an empty one).
    fn take_sink(&mut self) -> Sink<'a> {
        let sink = match self {
            Decoder::Gzip(d) => d.get_mut(),
            Decoder::Zlib(d) => d.get_mut(),
        };
        let empty = Sink {
            out: Buffer::new(0, None),
            full: sink.full,
        };
        std::mem::replace(sink, empty)
    }
}

/// What reading a body gave.
pub(super) struct Body {
    pub bytes: Bytes,
    pub truncated: bool,
    pub lease: Option<BodyLease>,
}

/// Reads `body` up to `cap` bytes (decoded bytes for gzip and deflate, which are inflated as they arrive and
/// stopped at the cap; the raw bytes read are bounded by the cap too), taking every byte from `budget` first. With
/// `first_event`, stops at the end of the first server-sent event with data.
pub(super) async fn read(
    mut body: hyper::body::Incoming,
    headers: &HeaderMap,
    cap: usize,
    first_event: bool,
    budget: Option<&BodyBudget>,
) -> Result<Body, NetError> {
    let encoding = headers
        .get(http::header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let sink = || Sink {
        out: Buffer::new(cap, budget),
        full: false,
    };
    let mut decoder = match encoding.as_str() {
        "gzip" | "x-gzip" => Some(Decoder::Gzip(Box::new(flate2::write::GzDecoder::new(
            sink(),
        )))),
        "deflate" => Some(Decoder::Zlib(Box::new(flate2::write::ZlibDecoder::new(
            sink(),
        )))),
        _ => None,
    };
    // The raw body: the whole body when it is not encoded, else the first bytes of an encoded one, kept until the
    // decoder says whether it is really encoded.
    let mut raw = Buffer::new(if decoder.is_some() { RAW_PREFIX } else { cap }, budget);
    let mut raw_read = 0usize;
    let mut events = first_event.then(super::sse::EventScan::default);
    let mut truncated = false;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| NetError::Protocol(format!("the body broke off: {e}")))?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        raw_read += data.len();
        let Some(dec) = &mut decoder else {
            if !raw.push(&data) {
                truncated = true;
                break;
            }
            if let Some(scan) = &mut events
                && scan.done(&raw.data)
            {
                truncated = true;
                break;
            }
            continue;
        };
        let undecoded = dec.sink().out.len() == 0;
        if undecoded {
            raw.push(&data);
        }
        let wrote = dec.write_all(&data);
        let sink = dec.sink();
        if sink.full || raw_read > cap {
            truncated = true;
            break;
        }
        if wrote.is_err() {
            if sink.out.len() > 0 {
                break;
            }
            // Not really encoded: the raw body is the body.
            decoder = None;
            if raw.len() < raw_read {
                truncated = true;
                break;
            }
            raw.cap = cap;
            continue;
        }
        if sink.out.len() > 0 && raw.data.capacity() > 0 {
            raw = Buffer::new(0, None);
        }
        if let Some(scan) = &mut events
            && scan.done(&dec.sink().out.data)
        {
            truncated = true;
            break;
        }
    }
    let (out, starved) = match decoder {
        Some(mut dec) if dec.sink().out.len() > 0 || raw.len() == 0 => {
            if !truncated {
                let _ = dec.try_finish();
            }
            let sink = dec.take_sink();
            truncated |= sink.full;
            let starved = sink.out.starved;
            drop(raw);
            (sink.out, starved)
        }
        _ => {
            let starved = raw.starved;
            (raw, starved)
        }
    };
    if let Some(budget) = budget
        && starved
        && out.len() < BUDGET_FLOOR.min(cap)
    {
        return Err(budget.error());
    }
    let (bytes, lease) = out.finish();
    Ok(Body {
        bytes,
        truncated,
        lease,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_buffer_never_grows_past_its_cap_or_its_budget() {
        let budget = BodyBudget::new(100 * 1024);
        let mut buf = Buffer::new(64 * 1024, Some(&budget));
        for _ in 0..100 {
            buf.push(&[7u8; 1000]);
        }
        assert_eq!(buf.len(), 64 * 1024);
        assert!(buf.data.capacity() <= 64 * 1024);
        let (bytes, lease) = buf.finish();
        assert_eq!(budget.in_use(), bytes.len());
        let mut other = Buffer::new(64 * 1024, Some(&budget));
        assert!(!other.push(&[1u8; 50 * 1024]), "only 36 KiB are left");
        assert!(other.starved && other.len() <= 36 * 1024);
        drop((other, lease));
        assert_eq!(budget.in_use(), 0, "dropped bodies give their bytes back");
    }
}
