mod support;

#[test]
fn hello_prints_the_same_as_native() {
    let out = support::same_as_native("hello", &["a", "b c"]);
    assert!(out.contains("arg: b c\n"), "{out}");
}
