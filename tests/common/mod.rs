//! Helpers shared by the tests that run the real `rumbo` binary.

#![allow(dead_code)] // each test file uses a part

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

/// A fresh, empty PostgreSQL database for one test, made on the server named by
/// `RUMBO_TEST_POSTGRES` (a URL such as `postgres://postgres@127.0.0.1:5432/postgres`), as
/// the URL to reach it. `None` when that is not set, unless `RUMBO_REQUIRE_POSTGRES` is (CI),
/// which then fails the test.
pub async fn postgres_database(name: &str) -> Option<String> {
    let Ok(admin) = std::env::var("RUMBO_TEST_POSTGRES") else {
        assert!(
            std::env::var_os("RUMBO_REQUIRE_POSTGRES").is_none(),
            "RUMBO_REQUIRE_POSTGRES is set but RUMBO_TEST_POSTGRES is not"
        );
        eprintln!("skipped: set RUMBO_TEST_POSTGRES to run this test on PostgreSQL");
        return None;
    };
    let db = format!("rumbo_it_{name}_{}", std::process::id());
    let pool = sqlx::PgPool::connect(&admin)
        .await
        .expect("the test server");
    for sql in [
        format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"),
        format!("CREATE DATABASE {db}"),
    ] {
        sqlx::raw_sql(&sql).execute(&pool).await.expect(&sql);
    }
    pool.close().await;
    let mut url = url::Url::parse(&admin).expect("RUMBO_TEST_POSTGRES is a URL");
    url.set_path(&db);
    Some(url.to_string())
}
