fn main() {
    println!("{}", vc_processors::name());
}
