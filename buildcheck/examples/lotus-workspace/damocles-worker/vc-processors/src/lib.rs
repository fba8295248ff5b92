pub fn name() -> &'static str {
    "vc-processors"
}
