#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

mod config;
mod decision;
mod hrr13;
mod listener;
mod reassembly;
mod session;
mod stream;
pub mod trace;

pub use config::{
    Admission, Config, ConfigError, DEFAULT_MAX_STREAM_BUFFER, HrrKeyShare, LegacyTls,
};
pub use decision::{Accepted, AcceptedHello, Continuation, Decision, Reason, ReplyKind};
pub use listener::Listener;
pub use reassembly::Reassembly;
pub use session::{EarlyData, PskOffer};
pub use stream::StreamGate;
pub use trace::{Check, NoTrace, Trace, Tracer};

/// A reply buffer of this size holds any reply or accept transcript the machine writes.
pub const MAX_OUTPUT_LEN: usize = 512;
