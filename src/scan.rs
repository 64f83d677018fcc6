//! Whether a string holds any byte of a small set, tested a block at a time:
//! the first question of both escapers (HTML in `body::html`, JSON in
//! `render::json`), asked of every string the site prints. Nearly all of them
//! hold nothing to escape, and are then written whole.

/// Bytes tested at once in the loop over long strings: one SSE2 register.
const BLOCK: usize = 16;

/// Whether some byte of `bytes` is below `below` (at most 128) or one of
/// `set`.
///
/// Sixteen bytes at a time, in one vector comparison per byte of the set;
/// the last fifteen or fewer as one or two machine words, so that a short
/// string (a name, an href) costs a few instructions too.
pub fn holds_any<const N: usize>(bytes: &[u8], below: u8, set: [u8; N]) -> bool {
    debug_assert!(below <= 128, "the word test is exact up to 128");
    // Not `set.contains`: that is a `memchr` call per byte.
    let is_one = |b: u8| set.iter().fold(b < below, |any, &s| any | (b == s));
    let blocks = bytes.chunks_exact(BLOCK);
    let tail = blocks.remainder();
    let in_blocks = blocks.fold(false, |any, block| {
        any | block.iter().fold(false, |any, &b| any | is_one(b))
    });
    let n = tail.len();
    let word = |w: u64| word_holds_any(w, below, set);
    let four = |b: &[u8]| u64::from(u32::from_le_bytes(b[..4].try_into().expect("four bytes")));
    let in_tail = match n {
        0 => false,
        // Bytes of the tail repeated to fill a word, so that nothing else
        // is tested.
        1..=3 => {
            let b = |i: usize| tail[i.min(n - 1)];
            let x = u64::from(u32::from_le_bytes([b(0), b(1), b(2), b(0)]));
            word(x | x << 32)
        }
        4..=7 => word(four(tail) | four(&tail[n - 4..]) << 32),
        _ => word(eight(tail)) | word(eight(&tail[n - 8..])),
    };
    in_blocks | in_tail
}

fn eight(bytes: &[u8]) -> u64 {
    u64::from_le_bytes(bytes[..8].try_into().expect("eight bytes"))
}

/// [`holds_any`] for the eight bytes of `v`, with the classic bit tricks:
/// `(x - 0x01..) & !x` has a byte's high bit set for some byte of `x` that is
/// zero (exact as to whether there is one), and `(x - n*0x01..) & !x` for
/// some byte below `n`, for `n` up to 128.
fn word_holds_any<const N: usize>(v: u64, below: u8, set: [u8; N]) -> bool {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x;
    let below = v.wrapping_sub(ONES * u64::from(below)) & !v;
    let in_set = set
        .iter()
        .fold(0, |acc, &s| acc | zero_byte(v ^ (ONES * u64::from(s))));
    (below | in_set) & HIGHS != 0
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::holds_any;

    proptest! {
        #[test]
        fn answers_as_a_byte_by_byte_search(
            bytes in prop::collection::vec(any::<u8>(), 0..70),
            below in 0u8..=128,
            set in prop::array::uniform3(any::<u8>()),
        ) {
            let expected = bytes.iter().any(|&b| b < below || set.contains(&b));
            prop_assert_eq!(holds_any(&bytes, below, set), expected);
        }

        #[test]
        fn finds_one_byte_anywhere(len in 0usize..70, at in any::<prop::sample::Index>(), b in any::<u8>()) {
            // The rare case the test above seldom draws: one byte of the
            // set among others, at every place of every length.
            let mut bytes = vec![b'a'; len];
            let found = if len > 0 {
                bytes[at.index(len)] = b;
                b < 0x20 || b == b'"'
            } else {
                false
            };
            prop_assert_eq!(holds_any(&bytes, 0x20, [b'"']), found);
        }
    }
}
