//! Cryptographic primitives used by access control and secure messaging.
