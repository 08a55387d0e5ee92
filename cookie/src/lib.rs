#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]

#[cfg(test)]
extern crate std;

mod config;
mod dtls12;
mod error;
mod fields;
mod hrr;
mod jar;
mod keys;
pub mod layout;
mod mac;
mod peer;
mod time;

pub use config::{
    CookieConfig, DEFAULT_FUTURE_TOLERANCE, DEFAULT_LIFETIME, MAX_FUTURE_TOLERANCE, MAX_LIFETIME,
};
pub use dtls12::Dtls12Cookie;
pub use error::{ConfigError, CookieError, KeyError, SealError};
pub use fields::{HelloFields, HelloPrefix};
pub use hrr::{HrrBinding, HrrCookie, HrrParams, HrrProtocol};
pub use jar::CookieJar;
pub use keys::{
    KeyRing, MAX_OPERATOR_KEYS, MAX_ROTATION_PERIOD, MIN_ROTATION_PERIOD, MIN_SECRET_LEN,
};
pub use layout::{DTLS12_COOKIE_LEN, HRR_COOKIE_MAX_LEN, hrr_cookie_len};
pub use peer::AddressBinding;
