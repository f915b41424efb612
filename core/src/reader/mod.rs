//! `ReadSession`: the sans-IO state machine that reads a chip.
