// SHA-256 rounds with SHA-NI behind `is_x86_feature_detected!("sha")`, as the sha2 crate does through
// cpufeatures. Built with -C target-cpu=native on a SHA-NI host the check is compiled away (the macro
// is `cfg!(target_feature = "sha") || runtime check`): the binary then needs SHA-NI everywhere.
use std::arch::x86_64::*;
use std::env;

#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
unsafe fn rounds_sha(state: &mut [u32; 8], n: u32) {
    let mut a = _mm_loadu_si128(state.as_ptr() as *const __m128i);
    let mut b = _mm_loadu_si128(state.as_ptr().add(4) as *const __m128i);
    let k = _mm_set_epi32(0x428a2f98, 0x71374491, n as i32, 0x3956c25b);
    for _ in 0..n {
        b = _mm_sha256rnds2_epu32(b, a, k);
        a = _mm_sha256msg1_epu32(a, b);
    }
    _mm_storeu_si128(state.as_mut_ptr() as *mut __m128i, a);
    _mm_storeu_si128(state.as_mut_ptr().add(4) as *mut __m128i, b);
}

#[inline(never)]
fn rounds_soft(state: &mut [u32; 8], n: u32) {
    for i in 0..n {
        for j in 0..8 {
            state[j] = state[j].rotate_right(7) ^ state[(j + 1) % 8].wrapping_add(i);
        }
    }
}

fn main() {
    let n: u32 = env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(64);
    let mut state = [1u32, 2, 3, 4, 5, 6, 7, 8];
    if is_x86_feature_detected!("sha") && is_x86_feature_detected!("sse4.1") {
        unsafe { rounds_sha(&mut state, n) }
    } else {
        rounds_soft(&mut state, n)
    }
    println!("{:?}", state);
}
