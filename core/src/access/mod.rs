//! Access control: BAC (and later PACE) turning an access key into secure-messaging keys.
