//! Secure messaging (ICAO 9303-11 §9.8): protecting commands and verifying replies.
