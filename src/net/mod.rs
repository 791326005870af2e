//! What both API clients share: base-URL safety, one HTTP transport with the one retry
//! policy, the request log, cancellation, and the error shape of a failed request.

mod answer;
mod cancel;
mod error;
mod http;
mod observe;
mod retry;
mod transport;
mod url;

pub use answer::{Answer, Repeat};
pub use cancel::CancelToken;
pub use error::{ApiError, DecodeError, Service};
pub use http::Http;
pub use observe::{Observer, RequestRecord, Silent, WaitRecord};
pub use retry::{RetryPolicy, server_wait};
pub use transport::{TransportFailure, TransportKind};
pub use url::{
    LinkError, UrlError, check_base_url, check_link, check_okta_url, check_statsig_url,
    is_loopback, okta_org_url,
};
