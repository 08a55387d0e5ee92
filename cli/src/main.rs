//! The `hellogate` command line (being written).
fn main() {}
