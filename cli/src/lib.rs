#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod hex;
pub mod inspect;
pub mod step;
