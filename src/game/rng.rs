//! A small seeded PRNG, so that target choices are reproducible in tests and from a stored seed.

use super::reading::Expression;

/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
/// OOPSLA 2014; constants as in Vigna's public-domain `splitmix64.c`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform number in `0..n` (rejection sampling, no modulo bias); 0 when `n` is 0.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        // Largest multiple of n that fits: draws at or above it would favour small results.
        let zone = u64::MAX - (u64::MAX % n);
        loop {
            let x = self.next_u64();
            if x < zone {
                return x % n;
            }
        }
    }
}

/// Draws a target from `targets`, never `previous`; `None` if nothing else is left.
pub fn pick_target(
    rng: &mut SplitMix64,
    targets: &[Expression],
    previous: Option<Expression>,
) -> Option<Expression> {
    let mut choices: Vec<Expression> =
        targets.iter().copied().filter(|&t| Some(t) != previous).collect();
    choices.sort();
    choices.dedup();
    let at = rng.below(choices.len() as u64);
    choices.get(usize::try_from(at).ok()?).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_matches_the_reference_sequence() {
        // First outputs for seed 0 of Vigna's splitmix64.c (also produced by
        // `python3 -c` with the same three lines of arithmetic mod 2^64).
        let mut rng = SplitMix64::new(0);
        assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(rng.next_u64(), 0x6E78_9E6A_A1B9_65F4);
        assert_eq!(rng.next_u64(), 0x06C4_5D18_8009_454F);
    }

    #[test]
    fn below_stays_in_range() {
        let mut rng = SplitMix64::new(7);
        assert!((0..1000).all(|_| rng.below(3) < 3));
        assert_eq!(rng.below(0), 0);
    }

    #[test]
    fn a_target_never_repeats_and_only_one_choice_is_forced() {
        let mut rng = SplitMix64::new(1);
        let two = [Expression::Happy, Expression::Surprised];
        let mut prev = None;
        for _ in 0..50 {
            let t = pick_target(&mut rng, &two, prev);
            assert!(t.is_some() && t != prev);
            prev = t;
        }
        let one = [Expression::Happy];
        assert_eq!(pick_target(&mut rng, &one, Some(Expression::Happy)), None);
    }
}
