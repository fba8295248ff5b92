use std::env;
#[inline(always)]
fn body(data: &mut [u32], k: u32) -> u64 {
    let mut acc = 0u64;
    for x in data.iter_mut() {
        *x = x.wrapping_mul(k).rotate_left(7) ^ (*x >> 3);
        acc = acc.wrapping_add((*x as u64) << (k & 7));
    }
    acc + data.iter().map(|v| v.leading_zeros() as u64 + v.count_ones() as u64).sum::<u64>()
}
#[target_feature(enable = "avx2,bmi2,lzcnt,popcnt")]
unsafe fn kernel_avx2(data: &mut [u32], k: u32) -> u64 { body(data, k) }
#[inline(never)]
fn kernel_plain(data: &mut [u32], k: u32) -> u64 { body(data, k) }
fn kernel(data: &mut [u32], k: u32) -> u64 {
    if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("bmi2") && is_x86_feature_detected!("lzcnt") && is_x86_feature_detected!("popcnt") {
        unsafe { kernel_avx2(data, k) }
    } else {
        kernel_plain(data, k)
    }
}
fn main() {
    let n: usize = env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(4096);
    let mut v: Vec<u32> = (0..n as u32).collect();
    println!("{}", kernel(&mut v, 2654435761));
}
