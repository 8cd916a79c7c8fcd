//! The corpus, the register, resolution and checks over an immutable snapshot.
