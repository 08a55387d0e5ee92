//! hellogate-testvectors: placeholder, being written.
