//! Flipping any bit, truncating, or extending any cookie makes it fail.

mod common;

use common::*;
use core::time::Duration;

const LATER: Duration = Duration::from_millis(1_700_000_000_100);

fn check_all_mutations(jar: &hellogate_cookie::CookieJar) {
    for sealed in all_kinds(jar) {
        let good = sealed.bytes();
        assert!(
            sealed.open(jar, LATER, good),
            "the unmutated cookie verifies"
        );
        for i in 0..good.len() {
            for bit in 0..8 {
                let mut bad = good.to_vec();
                bad[i] ^= 1 << bit;
                assert!(!sealed.open(jar, LATER, &bad), "flip byte {i} bit {bit}");
            }
        }
        for len in 0..good.len() {
            assert!(!sealed.open(jar, LATER, &good[..len]), "truncated to {len}");
        }
        for extra in 0..=255u8 {
            let mut longer = good.to_vec();
            longer.push(extra);
            assert!(
                !sealed.open(jar, LATER, &longer),
                "extended by {extra:#04x}"
            );
        }
    }
}

#[test]
fn every_single_bit_flip_truncation_and_extension_fails_master_keys() {
    check_all_mutations(&jar());
}

#[test]
fn every_single_bit_flip_truncation_and_extension_fails_operator_keys() {
    check_all_mutations(&operator_jar());
}
