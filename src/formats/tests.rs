//! Registry and report tests.
