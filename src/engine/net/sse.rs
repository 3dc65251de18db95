//! The end of the first server-sent event that carries data, found as a body streams in: an MCP or LLM endpoint
//! may answer with an event stream that never ends, and its first event is all a check needs.

/// Finds the end of the first server-sent event that carries data, reading each byte once however the stream is
/// split into frames.
#[derive(Default)]
pub(super) struct EventScan {
    /// Where the line being read starts.
    line: usize,
    /// The event being read has a non-empty `data:` line.
    data: bool,
}

impl EventScan {
    /// True once `stream` (which only grows between calls) holds a whole event with a non-empty `data:` line.
    pub(super) fn done(&mut self, stream: &[u8]) -> bool {
        while let Some(nl) = stream[self.line..].iter().position(|&b| b == b'\n') {
            let end = self.line + nl;
            let line = &stream[self.line..end];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            self.line = end + 1;
            if line.is_empty() {
                if self.data {
                    return true;
                }
            } else if let Some(value) = line.strip_prefix(b"data:") {
                self.data |= !value.trim_ascii().is_empty();
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(stream: &[u8]) -> bool {
        EventScan::default().done(stream)
    }

    #[test]
    fn the_first_event_with_data_ends_a_stream_read() {
        assert!(!event(b"event: endpoint\ndata: /messages?s=1\n"));
        assert!(event(b"event: endpoint\ndata: /messages?s=1\n\n"));
        assert!(event(
            b"id: 0\r\nretry: 3000\r\ndata:\r\n\r\ndata: {}\r\n\r\n"
        ));
        assert!(!event(b"id: 0\nretry: 3000\ndata:\n\n: ping\n\n"));
    }

    #[test]
    fn an_event_split_into_single_bytes_is_found_once_complete() {
        let stream = b": ping\n\nevent: endpoint\r\ndata: /m\r\n\r\n";
        let mut scan = EventScan::default();
        let found: Vec<bool> = (1..=stream.len())
            .map(|n| scan.done(&stream[..n]))
            .collect();
        assert_eq!(found.iter().position(|&f| f), Some(stream.len() - 1));
    }
}
