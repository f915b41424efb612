//! A fixed-size secret byte array that is wiped on drop and redacted in `Debug`.

use zeroize::{Zeroize, ZeroizeOnDrop};

/// `N` bytes of key material (a key, a seed, a random challenge).
///
/// Why a wrapper and not a plain array: the bytes are zeroized when the value is dropped, the
/// `Debug` output never shows them, and there is deliberately no `PartialEq` (comparisons of
/// secrets must be constant-time and explicit, see [`subtle::ConstantTimeEq`]).
#[derive(Clone)]
pub struct Secret<const N: usize>([u8; N]);

impl<const N: usize> Secret<N> {
    /// Wraps `bytes`. The caller's copy of the array is not wiped; move or zeroize it yourself.
    pub fn new(bytes: [u8; N]) -> Self {
        Self(bytes)
    }

    /// The secret bytes, for handing to a primitive. Do not copy them into long-lived storage.
    pub fn expose(&self) -> &[u8; N] {
        &self.0
    }
}

impl<const N: usize> From<[u8; N]> for Secret<N> {
    fn from(bytes: [u8; N]) -> Self {
        Self(bytes)
    }
}

impl<const N: usize> Drop for Secret<N> {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl<const N: usize> ZeroizeOnDrop for Secret<N> {}

impl<const N: usize> core::fmt::Debug for Secret<N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Secret<{N}>(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_bytes() {
        let s = Secret::new([0xAB; 16]);
        let shown = format!("{s:?}");
        assert!(!shown.contains("AB") && !shown.contains("ab") && !shown.contains("171"));
        assert_eq!(shown, "Secret<16>(<redacted>)");
    }
}
