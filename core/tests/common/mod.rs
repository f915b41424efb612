//! Helpers shared by the core's integration tests.

/// An RNG that hands out fixed bytes, over and over: the terminal randomness of a published
/// trace (ICAO 9303-11 Appendix D), so every BAC run sends the worked example's bytes.
pub struct CyclingRng {
    script: Vec<u8>,
    pos: usize,
}

impl CyclingRng {
    /// Cycles through `script` (which must not be empty).
    pub fn new(script: Vec<u8>) -> Self {
        assert!(!script.is_empty(), "a scripted RNG needs bytes");
        Self { script, pos: 0 }
    }
}

impl rand_core::RngCore for CyclingRng {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0; 4];
        self.fill_bytes(&mut b);
        u32::from_be_bytes(b)
    }
    fn next_u64(&mut self) -> u64 {
        let mut b = [0; 8];
        self.fill_bytes(&mut b);
        u64::from_be_bytes(b)
    }
    fn fill_bytes(&mut self, dst: &mut [u8]) {
        for d in dst {
            *d = self.script[self.pos % self.script.len()];
            self.pos += 1;
        }
    }
}

impl rand_core::CryptoRng for CyclingRng {}
