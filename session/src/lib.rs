//! hellogate-session: placeholder until its issue lands.
#![no_std]
#![forbid(unsafe_code)]
