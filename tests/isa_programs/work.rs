// A hot loop whose vectorised form needs what the build allows.
use std::env;
#[inline(never)]
fn kernel(data: &mut [u32], k: u32) -> u64 {
    let mut acc = 0u64;
    for x in data.iter_mut() {
        *x = x.wrapping_mul(k).rotate_left(7) ^ (*x >> 3);
        acc = acc.wrapping_add((*x as u64) << (k & 7));
    }
    acc + data.iter().map(|v| v.leading_zeros() as u64 + v.count_ones() as u64).sum::<u64>()
}
fn main() {
    let n: usize = env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(4096);
    let mut v: Vec<u32> = (0..n as u32).collect();
    let r = kernel(&mut v, 2654435761);
    println!("{}", r);
}
