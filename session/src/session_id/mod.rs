//! Session-ID policy (TLS 1.2, DTLS 1.2): what OpenSSL spreads over
//! `GEN_SESSION_CB` and `SSL_has_matching_session_id`, with the race taken
//! out and the routing prefix made explicit.

mod policy;
mod store;

pub use policy::{
    ConfigError, HostId, MAX_HOST_PREFIX_LEN, MAX_SESSION_ID_LEN, MIN_RANDOM_LEN, SessionIdConfig,
    SessionIdError, SessionIdPolicy, Tls13SessionId,
};
pub use store::{CacheConfig, Conflict, SessionIdCache, SessionIdStore, StoreConfigError};
