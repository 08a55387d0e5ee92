//! hellogate-codec: placeholder, being written.
#![no_std]
#![forbid(unsafe_code)]
