//! The REST API's errors: one JSON shape, `{"error": "...", "code": "..."}`, with the status that says what kind of
//! problem it is. Internal failures are logged in full and answered with a fixed sentence, never their text.

use crate::app::AppError;
use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};
use schemars::JsonSchema;
use serde::Serialize;

/// An error as the API returns it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ErrorBody {
    /// What was wrong and what to do about it.
    pub error: String,
    /// A stable machine-readable code, e.g. `not_found`, `missing_scope`, `rate_limited`.
    pub code: String,
    /// Seconds to wait before retrying (429 and 503 only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    /// The running scan a 409 `scan_running` refers to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scan_id: Option<String>,
}

/// An error response.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: ErrorBody {
                error: message.into(),
                code: code.into(),
                retry_after: None,
                scan_id: None,
            },
        }
    }

    pub fn bad_request(code: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 429 or 503 with how long to wait.
    pub fn retry(
        status: StatusCode,
        code: &str,
        message: impl Into<String>,
        secs: u64,
    ) -> ApiError {
        let mut e = ApiError::new(status, code, message);
        e.body.retry_after = Some(secs.max(1));
        e
    }

    /// A failure that is ours, not the caller's: logged, and answered without its text.
    pub fn internal(context: &str, error: &dyn std::fmt::Display) -> ApiError {
        tracing::error!(%error, "{context}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the server failed to answer this request; it is logged on the server, try again later",
        )
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> ApiError {
        let status = match &e {
            AppError::InvalidTarget(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_target"),
            AppError::OutOfScope { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "out_of_scope"),
            AppError::NotFound { .. } => (StatusCode::NOT_FOUND, "not_found"),
            AppError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            AppError::AlreadyRunning { .. } => (StatusCode::CONFLICT, "scan_running"),
            AppError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            AppError::Limit(_) | AppError::Quota(_) => {
                (StatusCode::PAYMENT_REQUIRED, "quota_exceeded")
            }
            AppError::Store(_) => return ApiError::internal("store", &e),
        };
        let mut out = ApiError::new(status.0, status.1, e.to_string());
        if let AppError::AlreadyRunning { scan_id } = e {
            out.body.scan_id = Some(scan_id);
        }
        out
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let retry = self.body.retry_after;
        let mut resp = (self.status, axum::Json(self.body)).into_response();
        let headers = resp.headers_mut();
        if let Some(secs) = retry {
            headers.insert(header::RETRY_AFTER, secs.into());
        }
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, "Bearer".parse().expect("static"));
        }
        resp
    }
}

/// `value` (or `default` when absent) when within `min..=max`, else a 422 naming the parameter and its range.
pub fn ranged(name: &str, value: Option<u32>, default: u32, min: u32, max: u32) -> ApiResult<u32> {
    let v = value.unwrap_or(default);
    if (min..=max).contains(&v) {
        Ok(v)
    } else {
        Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "out_of_range",
            format!("{name} = {v} is out of range: give {min} to {max}"),
        ))
    }
}
