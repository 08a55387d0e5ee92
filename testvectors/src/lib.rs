#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod capture;
mod edge;
mod listen;
mod wire;

pub use capture::{Capture, Kind, Protocol, all, get, scenario, scenarios};
pub use edge::{EdgeCase, edge_cases};
pub use listen::{
    LISTEN_CIPHER_SUITES, LISTEN_CLIENT_RANDOM, LISTEN_CLIENT_VERSION, LISTEN_COMPRESSION_METHODS,
    LISTEN_COOKIE_LENGTH_OFFSET, LISTEN_EXTENSIONS, LISTEN_RECORD_VERSION, LISTEN_SESSION_ID,
    ListenCase, ListenExpect, dtls_listen_cases, listen_client_hello_body,
};
