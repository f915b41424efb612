//! How many bytes to ask for in each READ BINARY: the largest that fits one reply, stepping down
//! when the chip objects, and remembering what worked for the rest of the session.

/// The smallest chunk we step down to; below this a chip is broken, not picky.
pub const MIN_CHUNK: usize = 16;

/// Lengths tried in turn when a chip refuses a short Le (`6700`, `6B00`, `6282` without data).
/// 231 is the largest plain length whose 3DES-SM reply fits 256 bytes; 223 (`DF`) is what many
/// readers use and what AES-SM allows; the rest are common chip buffer sizes.
const SHORT_LADDER: [usize; 9] = [231, 223, 200, 160, 128, 96, 64, 32, MIN_CHUNK];

/// Size of a secure-messaging reply carrying `plain` bytes of data with cipher block `block`:
/// DO'87' (tag, length, padding-content indicator, padded cryptogram) + DO'99' (4) + DO'8E' (10).
pub fn sm_reply_len(plain: usize, block: usize) -> usize {
    if plain == 0 {
        return 14;
    }
    let cryptogram = (plain / block + 1) * block;
    let value = cryptogram + 1;
    let len_len = match value {
        0..=0x7F => 1,
        0x80..=0xFF => 2,
        0x100..=0xFFFF => 3,
        _ => 4,
    };
    1 + len_len + value + 14
}

/// The largest plain length whose SM reply fits in `budget` bytes of response data.
pub fn max_plain_len(budget: usize, block: usize) -> usize {
    // Start from an upper bound and walk down; at most a few block sizes of steps.
    let mut n = budget.saturating_sub(14);
    while n > 0 && sm_reply_len(n, block) > budget {
        n -= 1;
    }
    n
}

/// What is known about extended length on this chip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtendedSupport {
    /// Not known yet: the first large read probes it.
    Unknown,
    /// Works (announced or probed); the value is the largest plain length to ask for.
    Supported(usize),
    /// Refused, announced absent, or disabled by the caller.
    Unsupported,
}

/// The chunk-size state of one session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkPolicy {
    short_limit: usize,
    extended: ExtendedSupport,
    extended_budget: usize,
    block: usize,
}

impl ChunkPolicy {
    /// A policy for SM with cipher block `block`, extended reads bounded by `extended_budget`
    /// plain bytes, and extended support as given.
    pub fn new(block: usize, extended: ExtendedSupport, extended_budget: usize) -> Self {
        Self {
            short_limit: max_plain_len(256, block),
            extended,
            extended_budget,
            block,
        }
    }

    /// The same policy for a channel with another cipher block (after PACE with AES, or Chip
    /// Authentication): what was learned about the chip (a lower short limit, extended
    /// support) is kept, the limits are recomputed for the new padding.
    #[must_use]
    pub fn with_block(&self, block: usize) -> Self {
        let fresh = max_plain_len(256, block);
        let learned = self.short_limit < max_plain_len(256, self.block);
        Self {
            short_limit: if learned {
                self.short_limit.min(fresh)
            } else {
                fresh
            },
            extended: match self.extended {
                ExtendedSupport::Supported(max) => {
                    ExtendedSupport::Supported(max_plain_len(sm_reply_len(max, self.block), block))
                }
                other => other,
            },
            extended_budget: max_plain_len(sm_reply_len(self.extended_budget, self.block), block),
            block,
        }
    }

    /// How many plain bytes to ask for when `remaining` bytes of the file are left.
    /// Returns the length and whether the command is extended.
    pub fn next_len(&self, remaining: usize) -> (usize, bool) {
        let short = remaining.min(self.short_limit);
        if remaining <= 256 {
            return (short, false);
        }
        let max = match self.extended {
            ExtendedSupport::Supported(max) => max.min(self.extended_budget),
            ExtendedSupport::Unknown => self.extended_budget,
            ExtendedSupport::Unsupported => return (short, false),
        };
        let n = remaining.min(max);
        if n > 256 { (n, true) } else { (short, false) }
    }

    /// The chip refused an extended read: never try again in this session.
    pub fn extended_refused(&mut self) {
        self.extended = ExtendedSupport::Unsupported;
    }

    /// An extended read worked: keep using extended reads.
    pub fn extended_worked(&mut self) {
        if self.extended == ExtendedSupport::Unknown {
            self.extended = ExtendedSupport::Supported(self.extended_budget);
        }
    }

    /// The chip refused a short read of `len` bytes; `exact` is the length a `6Cxx` reply
    /// offered. Returns false when there is nothing smaller left to try.
    pub fn short_refused(&mut self, len: usize, exact: Option<usize>) -> bool {
        if let Some(exact) = exact.filter(|e| *e > 0 && *e < len) {
            self.short_limit = exact.max(MIN_CHUNK).min(self.short_limit);
            return true;
        }
        let below = SHORT_LADDER
            .iter()
            .copied()
            .find(|step| *step < len.min(self.short_limit + 1));
        match below {
            Some(step) => {
                self.short_limit = step;
                true
            }
            None => false,
        }
    }

    /// Current short limit (plain bytes).
    pub fn short_limit(&self) -> usize {
        self.short_limit
    }

    /// Current extended-length knowledge.
    pub fn extended(&self) -> ExtendedSupport {
        self.extended
    }

    /// The cipher block size the limits were computed for.
    pub fn block(&self) -> usize {
        self.block
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largest_short_chunk_fits_one_sm_reply() {
        // 3DES: 231 plain bytes → 232-byte cryptogram → 87 81 E9 01 … = 236, + 99 + 8E = 250.
        assert_eq!(sm_reply_len(231, 8), 250);
        assert_eq!(max_plain_len(256, 8), 231);
        // AES: 16-byte blocks.
        assert_eq!(max_plain_len(256, 16), 223);
        // ICAO D.4: 4 plain bytes → 87 09 01 <8> 99 02 90 00 8E 08 <8> = 25 bytes.
        assert_eq!(sm_reply_len(4, 8), 25);
    }

    #[test]
    fn small_remainders_use_short_reads() {
        let p = ChunkPolicy::new(8, ExtendedSupport::Unknown, 4000);
        assert_eq!(p.next_len(100), (100, false));
        assert_eq!(p.next_len(256), (231, false));
        assert_eq!(p.next_len(3000), (3000, true));
        assert_eq!(p.next_len(9000), (4000, true));
        let mut p = p;
        p.extended_refused();
        assert_eq!(p.next_len(9000), (231, false));
    }

    #[test]
    fn step_down_follows_the_ladder_and_6cxx() {
        let mut p = ChunkPolicy::new(8, ExtendedSupport::Unsupported, 0);
        assert!(p.short_refused(231, None));
        assert_eq!(p.short_limit(), 223);
        assert!(p.short_refused(223, Some(0x80)));
        assert_eq!(p.short_limit(), 0x80);
        while p.short_refused(p.short_limit(), None) {}
        assert_eq!(p.short_limit(), MIN_CHUNK);
        assert!(!p.short_refused(MIN_CHUNK, None));
    }
}
