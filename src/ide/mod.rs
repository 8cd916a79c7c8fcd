//! Editor features, one module each, as pure functions of a snapshot and a position.
