//! The sled store (being written).
