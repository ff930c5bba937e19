//! Helpers shared by the tests that run the real `rumbo` binary.

use std::time::Duration;

use assert_cmd::Command;

/// The `rumbo` binary, with no rules, locales or date from the environment.
pub fn rumbo() -> Command {
    let mut cmd = Command::cargo_bin("rumbo").expect("the rumbo binary is built");
    cmd.env_remove("RUMBO_RULES")
        .env_remove("RUMBO_LOCALES")
        .env_remove("RUMBO_AS_OF")
        .timeout(Duration::from_secs(60));
    cmd
}

/// Compares an expected text (written after `r#"` on its own line) with what was printed,
/// showing both in full when they differ.
#[track_caller]
pub fn assert_text(what: &str, expected: &str, actual: &str) {
    let expected = expected.strip_prefix('\n').unwrap_or(expected);
    if expected != actual {
        panic!(
            "{what} differs\n--- expected\n{expected}--- actual\n{actual}--- end\n\
             (first difference on line {})",
            expected
                .lines()
                .zip(actual.lines())
                .position(|(e, a)| e != a)
                .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()))
                + 1
        );
    }
}
