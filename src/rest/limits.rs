//! Request limits: a token bucket per key (`server.rate_limit` requests per minute, bursts of a tenth of that)
//! and a deadline per request (`server.request_timeout`).

use super::error::ApiError;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Per-key token buckets.
pub struct RateLimiter {
    per_minute: u32,
    per_second: f64,
    burst: f64,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl RateLimiter {
    /// `per_minute` requests a minute per key; 0 for no limit.
    pub fn new(per_minute: u32) -> RateLimiter {
        RateLimiter {
            per_minute,
            per_second: f64::from(per_minute) / 60.0,
            burst: (f64::from(per_minute) / 10.0).max(1.0),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token for `key`: `Ok`, or the whole seconds until one is free.
    pub fn take(&self, key: &str) -> Result<(), u64> {
        if self.per_second == 0.0 {
            return Ok(());
        }
        let now = Instant::now();
        let mut buckets = self.buckets.lock().expect("rate limiter lock");
        let bucket = buckets.entry(key.to_string()).or_insert(Bucket {
            tokens: self.burst,
            at: now,
        });
        let refill = now.duration_since(bucket.at).as_secs_f64() * self.per_second;
        bucket.tokens = (bucket.tokens + refill).min(self.burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - bucket.tokens) / self.per_second).ceil().max(1.0) as u64)
        }
    }

    /// The 429 for a key out of tokens, `retry_after` seconds from the next one.
    pub fn too_many(&self, retry_after: u64) -> Response {
        ApiError::retry(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!(
                "this key made more than {} requests a minute (server.rate_limit): retry in {retry_after} s",
                self.per_minute
            ),
            retry_after,
        )
        .into_response()
    }
}

/// Middleware: answers 503 when the handler takes longer than the deadline.
pub async fn deadline(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::retry(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            format!(
                "the request took longer than {} s (server.request_timeout) and was stopped; try again, or ask \
                 for less (a smaller page, one target)",
                limit.as_secs_f64()
            ),
            1,
        )
        .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_its_burst_then_says_when_to_retry() {
        let limiter = RateLimiter::new(60);
        for _ in 0..6 {
            assert!(limiter.take("k").is_ok());
        }
        assert_eq!(limiter.take("k"), Err(1));
        assert!(limiter.take("other").is_ok(), "buckets are per key");
        assert!(RateLimiter::new(0).take("k").is_ok(), "0 means no limit");
    }

    #[tokio::test]
    async fn a_request_past_its_deadline_gets_503_and_says_which_setting() {
        use axum::routing::get;
        use http_body_util::BodyExt;
        use tower_service::Service;
        let mut app = axum::Router::new()
            .route(
                "/slow",
                get(|| async {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    "done"
                }),
            )
            .layer(axum::middleware::from_fn_with_state(
                Duration::from_millis(50),
                deadline,
            ));
        let req = http::Request::get("/slow")
            .body(axum::body::Body::empty())
            .unwrap();
        let resp = app.call(req).await.unwrap();
        assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(resp.headers()["retry-after"], "1");
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["code"], "timeout");
        assert!(
            body["error"]
                .as_str()
                .unwrap()
                .contains("server.request_timeout")
        );
    }
}
