//! Deterministic randomness: one splitmix64 stream per object, and the identifiers drawn from it
//! (hex strings, name suffixes, UUIDs, resourceVersions).
//!
//! Every object draws from its own stream, [`rng_for`]`(seed, tag, index)`, so adding a field to
//! one kind of object never changes the bytes of another.

// Tags that keep the random streams of different objects apart.
pub(crate) const T_PLAN: u64 = 1;
pub(crate) const T_NODE: u64 = 2;
pub(crate) const T_NODE_DOWN: u64 = 3;
pub(crate) const T_POD: u64 = 4;
pub(crate) const T_POD_TIME: u64 = 5;
pub(crate) const T_PVC: u64 = 6;
pub(crate) const T_PV: u64 = 7;
pub(crate) const T_STS: u64 = 8;
pub(crate) const T_DEPLOY: u64 = 9;
pub(crate) const T_RS: u64 = 10;
pub(crate) const T_LEASE: u64 = 11;
pub(crate) const T_NODE_LEASE: u64 = 12;
pub(crate) const T_PDB: u64 = 13;
pub(crate) const T_SC: u64 = 14;
pub(crate) const T_IMAGE: u64 = 15;
pub(crate) const T_HOLDER: u64 = 16;
pub(crate) const T_CP_LEASE: u64 = 17;
const UID_TAG: u64 = 1 << 40;
const RV_TAG: u64 = 1 << 41;

fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// splitmix64.
#[derive(Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(self.0)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    pub(crate) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    pub(crate) fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    pub(crate) fn per_mille(&mut self, p: u64) -> bool {
        self.below(1000) < p
    }
}

/// An independent stream for object `idx` of kind `tag`.
pub(crate) fn rng_for(seed: u64, tag: u64, idx: u64) -> Rng {
    Rng(mix64(
        seed ^ mix64(tag.wrapping_mul(0xD6E8_FEB8_6659_FD93) ^ mix64(idx ^ 0x632B_E59B_D9B4_E019)),
    ))
}

const HEX: &[u8; 16] = b"0123456789abcdef";
/// The alphabet Kubernetes uses for generated name suffixes.
const SAFE: &[u8; 27] = b"bcdfghjklmnpqrstvwxz2456789";

/// `n` lowercase hex digits.
pub(crate) fn hex(r: &mut Rng, n: usize) -> String {
    let mut s = String::with_capacity(n);
    let (mut bits, mut left) = (0u64, 0);
    for _ in 0..n {
        if left == 0 {
            bits = r.next_u64();
            left = 16;
        }
        s.push(HEX[(bits & 15) as usize] as char);
        bits >>= 4;
        left -= 1;
    }
    s
}

/// A five-character suffix as Kubernetes generates them (`generateName`, volume names).
pub(crate) fn safe_suffix(r: &mut Rng) -> [u8; 5] {
    let mut b = [0u8; 5];
    for c in &mut b {
        *c = SAFE[r.index(SAFE.len())];
    }
    b
}

pub(crate) fn ascii(b: &[u8]) -> &str {
    std::str::from_utf8(b).expect("generated names are ASCII")
}

/// FNV-1a, to give each image name its own stream.
pub(crate) fn str_hash(s: &str) -> u64 {
    s.bytes().fold(0xCBF2_9CE4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3)
    })
}

/// A version-4-shaped UUID, derived from the object it names.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Uuid([u8; 36]);

impl Uuid {
    pub(crate) fn new(seed: u64, tag: u64, idx: u64) -> Uuid {
        let mut r = rng_for(seed, tag | UID_TAG, idx);
        let (a, b) = (r.next_u64(), r.next_u64());
        let mut nib = [0u8; 32];
        for i in 0..16 {
            nib[i] = ((a >> (60 - 4 * i)) & 15) as u8;
            nib[16 + i] = ((b >> (60 - 4 * i)) & 15) as u8;
        }
        nib[12] = 4;
        nib[16] = 8 | (nib[16] & 3);
        let mut out = [b'-'; 36];
        let mut j = 0;
        for (i, o) in out.iter_mut().enumerate() {
            if !matches!(i, 8 | 13 | 18 | 23) {
                *o = HEX[nib[j] as usize];
                j += 1;
            }
        }
        Uuid(out)
    }

    pub(crate) fn as_str(&self) -> &str {
        ascii(&self.0)
    }
}

/// A resourceVersion, stable for a given object.
pub(crate) fn rv(seed: u64, tag: u64, idx: u64) -> String {
    (10_000_000 + rng_for(seed, tag | RV_TAG, idx).below(80_000_000)).to_string()
}
