#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;
#[cfg(any(test, feature = "std"))]
extern crate std;

mod alert;
pub mod anti_replay;
mod hash;
mod random;
pub mod renegotiation;
pub mod session_id;
#[cfg(feature = "std")]
mod shared;
mod table;
#[cfg(test)]
mod test_rng;

pub use alert::{Alert, AlertDescription, AlertLevel};
pub use random::RandomSource;
