//! `rumbo check` on one fixture per diagnostic, with its exact output.
//!
//! Each fixture is a folder `tests/fixtures/check/<kind>/` holding `rules.yaml` and
//! `locales/{es,en}/*.ftl`: a shrunk copy of `rules/example/example.yaml` (the `clean` fixture) with
//! exactly one thing broken, named on the first line of its `rules.yaml`. Each locale's
//! `interface.ftl` is a symbolic link to the shipped `locales/<lang>/interface.ftl`, so the
//! fixtures follow the interface messages `src/render.rs` requires. Each test runs
//! `rumbo check tests/fixtures/check/<kind>/rules.yaml --today 2026-11-28` and compares the
//! whole of stderr (every diagnostic and the summary line) and the exit status: 0 clean or
//! warnings only, 1 errors, 2 usage or I/O.
//!
//! Inputs too big or too odd to commit (10,000-deep nesting, 50 MB, random bytes) are written
//! to a temporary folder at test time and checked with `--locales` pointing at the `clean`
//! fixture's locales; their path shows as `<tmp>` in the expected output.
//!

mod common;

use std::path::Path;
use std::process::Output;

use common::{assert_text, rumbo};

/// The date every fixture is checked as of (`reviewed: 2026-11-27` is then one day old).
const TODAY: &str = "2026-11-28";

/// The locales of the `clean` fixture, for rules files written at test time.
const CLEAN_LOCALES: &str = "tests/fixtures/check/clean/locales";

/// Checks the exit status, that stdout is empty and that stderr is `expected` (with the
/// temporary folder `tmp`, if any, shown as `<tmp>`).
#[track_caller]
fn assert_check_output(output: &Output, status: i32, expected: &str, tmp: Option<&Path>) {
    let mut stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if let Some(tmp) = tmp {
        stderr = stderr.replace(&tmp.display().to_string(), "<tmp>");
    }
    assert_text("stderr", expected, &stderr);
    assert_eq!(
        output.status.code(),
        Some(status),
        "exit status (None: killed, or timed out)\nstderr:\n{stderr}"
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout), "", "stdout");
}

/// Runs `rumbo check` on fixture `kind` and compares its exit status and whole stderr.
#[track_caller]
fn check_fixture(kind: &str, status: i32, expected: &str) {
    let rules = format!("tests/fixtures/check/{kind}/rules.yaml");
    assert!(Path::new(&rules).is_file(), "no fixture {rules}");
    let output = rumbo()
        .args(["check", &rules, "--today", TODAY])
        .output()
        .expect("rumbo runs");
    assert_check_output(&output, status, expected, None);
}

/// Writes `bytes` as `<tmp>/rules.yaml`, checks it with the `clean` locales, and compares.
#[track_caller]
fn check_generated(bytes: &[u8], status: i32, expected: &str) {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let rules = tmp.path().join("rules.yaml");
    std::fs::write(&rules, bytes).expect("the rules file is written");
    let output = rumbo()
        .arg("check")
        .arg(&rules)
        .args(["--locales", CLEAN_LOCALES, "--today", TODAY])
        .output()
        .expect("rumbo runs");
    assert_check_output(&output, status, expected, Some(tmp.path()));
}

/// A fixed pseudo-random byte string (xorshift64), the same on every run.
fn pseudo_random_bytes(len: usize, mut state: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 32) as u8
        })
        .collect()
}

/// The shrunk example the other fixtures break: no problem, exit 0, the summary counts.
#[test]
fn clean() {
    check_fixture(
        "clean",
        0,
        r#"
tests/fixtures/check/clean/rules.yaml: 3 questions, 3 outcomes, 6 answer paths; 0 error(s), 0 warning(s)
"#,
    );
}

/// A YAML syntax error: `- id: location` indented by one space instead of two.
#[test]
fn yaml_syntax() {
    check_fixture(
        "yaml_syntax",
        1,
        r#"
tests/fixtures/check/yaml_syntax/rules.yaml:22:2: error: while parsing a block mapping, did not find expected key
tests/fixtures/check/yaml_syntax/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// A YAML syntax error: the `[` of `choices: [adult, minor` is never closed.
#[test]
fn yaml_unclosed_bracket() {
    check_fixture(
        "yaml_unclosed_bracket",
        1,
        r#"
tests/fixtures/check/yaml_unclosed_bracket/rules.yaml:20:14: error: this `[` is never closed
  help: close it with `]`, or write one item per line instead
tests/fixtures/check/yaml_unclosed_bracket/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// A YAML syntax error: a line indented with a tab.
#[test]
fn yaml_tab() {
    check_fixture(
        "yaml_tab",
        1,
        r#"
tests/fixtures/check/yaml_tab/rules.yaml:20:1: error: this line is indented with a tab
  help: indent with spaces; YAML does not allow tabs there
tests/fixtures/check/yaml_tab/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// A key written twice in one mapping.
#[test]
fn duplicate_key() {
    check_fixture(
        "duplicate_key",
        1,
        r#"
tests/fixtures/check/duplicate_key/rules.yaml:23:5: error: duplicate key `id`
  help: the first `id` is at line 22, column 5; a key may appear only once
tests/fixtures/check/duplicate_key/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// An unknown field, with "did you mean".
#[test]
fn unknown_field() {
    check_fixture(
        "unknown_field",
        1,
        r#"
tests/fixtures/check/unknown_field/rules.yaml:5:1: error: unknown field `review_every_day`
  help: did you mean `review_every_days`?
tests/fixtures/check/unknown_field/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// An unknown field inside a question: the question's id must still count as known.
#[test]
fn broken_question_cascade() {
    check_fixture(
        "broken_question_cascade",
        1,
        r#"
tests/fixtures/check/broken_question_cascade/rules.yaml:30:5: error: unknown field `ask_fi`
  help: did you mean `ask_if`?
tests/fixtures/check/broken_question_cascade/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// Text where a whole number is expected.
#[test]
fn wrong_type() {
    check_fixture(
        "wrong_type",
        1,
        r#"
tests/fixtures/check/wrong_type/rules.yaml:5:20: error: expected a whole number, found `half a year`
tests/fixtures/check/wrong_type/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// `yes` where a boolean is expected (YAML 1.2: `yes` is text).
#[test]
fn yes_for_bool() {
    check_fixture(
        "yes_for_bool",
        1,
        r#"
tests/fixtures/check/yes_for_bool/rules.yaml:40:11: error: expected `true` or `false`, found `yes`
  help: in rules files `yes` and `no` are plain text; write true or false
tests/fixtures/check/yes_for_bool/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// A condition naming an unknown question, with "did you mean".
#[test]
fn unknown_question() {
    check_fixture(
        "unknown_question",
        1,
        r#"
tests/fixtures/check/unknown_question/rules.yaml:30:15: error: unknown question `locaton`
  help: did you mean `location`?
tests/fixtures/check/unknown_question/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// Every mistake of a `report:` block in one run: an unknown question, a third dimension, a
/// repeated one, a question that opts out of counting, and deep-link codes that are not
/// codes, reserved or repeated.
#[test]
fn report_problems() {
    check_fixture(
        "report_problems",
        1,
        r#"
tests/fixtures/check/report_problems/rules.yaml:19:16: error: unknown question `locaton`
  help: did you mean `location`?
tests/fixtures/check/report_problems/rules.yaml:19:35: error: at most 2 report dimensions
  help: every combination of answers is a counter of its own; with more questions the counts get too small to print and easier to tie to a person
tests/fixtures/check/report_problems/rules.yaml:19:35: error: `location` is already a dimension
tests/fixtures/check/report_problems/rules.yaml:19:45: error: question `age` opts out of counting its choices
  help: its answers are not counted, so results cannot be broken down by them; remove `count_choices: false` or choose another question
tests/fixtures/check/report_problems/rules.yaml:20:23: error: `Flyer` is not a deep-link code
  help: use lowercase letters, digits, `_` and `-`, at most 64 characters, as in t.me/<bot>?start=flyer_bogota
tests/fixtures/check/report_problems/rules.yaml:20:30: error: `other` is reserved
  help: `none` counts sessions started without a code and `other` unknown codes
tests/fixtures/check/report_problems/rules.yaml:20:37: error: source code `flyer_12` is listed twice
tests/fixtures/check/report_problems/rules.yaml: 7 error(s), 0 warning(s)
"#,
    );
}

/// A condition naming an unknown choice, with "did you mean".
#[test]
fn unknown_choice() {
    check_fixture(
        "unknown_choice",
        1,
        r#"
tests/fixtures/check/unknown_choice/rules.yaml:30:25: error: question `location` has no choice `colombai`
  help: did you mean `colombia`?
tests/fixtures/check/unknown_choice/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// An outcome citing an unknown source.
#[test]
fn unknown_source() {
    check_fixture(
        "unknown_source",
        1,
        r#"
tests/fixtures/check/unknown_source/rules.yaml:47:15: error: unknown source `s2`
  help: add it under `sources:` at the top of the file
tests/fixtures/check/unknown_source/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// An outcome linking an unknown link, with "did you mean".
#[test]
fn unknown_link() {
    check_fixture(
        "unknown_link",
        1,
        r#"
tests/fixtures/check/unknown_link/rules.yaml:48:13: error: unknown link `movilidadsegura`
  help: did you mean `movilidad_segura`?
tests/fixtures/check/unknown_link/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// Two questions with one id.
#[test]
fn duplicate_question() {
    check_fixture(
        "duplicate_question",
        1,
        r#"
tests/fixtures/check/duplicate_question/rules.yaml:37:9: error: duplicate question `age`
  help: the first is at line 19, column 9
tests/fixtures/check/duplicate_question/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// Two choices with one id in a question.
#[test]
fn duplicate_choice() {
    check_fixture(
        "duplicate_choice",
        1,
        r#"
tests/fixtures/check/duplicate_choice/rules.yaml:27:9: error: duplicate choice `mexico` in question `location`
  help: the first is at line 26, column 9
tests/fixtures/check/duplicate_choice/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// An id that is not lowercase ASCII.
#[test]
fn invalid_id() {
    check_fixture(
        "invalid_id",
        1,
        r#"
tests/fixtures/check/invalid_id/rules.yaml:26:9: error: choice id `México` is not a valid id
  help: use lowercase letters, digits and `_`, starting with a letter, at most 40 characters
tests/fixtures/check/invalid_id/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// A question id that is a condition keyword.
#[test]
fn reserved_question_id() {
    check_fixture(
        "reserved_question_id",
        1,
        r#"
tests/fixtures/check/reserved_question_id/rules.yaml:37:9: error: `before` cannot be a question id
  help: conditions use `all`, `any`, `not`, `from`, `before`, `opens`, `uncertain`, `uncertain_from` as keywords; pick another id
tests/fixtures/check/reserved_question_id/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// A question with one choice (the outcome that reads the removed choice is reported too).
#[test]
fn one_choice() {
    check_fixture(
        "one_choice",
        1,
        r#"
tests/fixtures/check/one_choice/rules.yaml:20:14: error: question `age` needs at least two choices
tests/fixtures/check/one_choice/rules.yaml:39:18: error: question `age` has no choice `minor`
  help: its choices are `adult`
tests/fixtures/check/one_choice/rules.yaml: 2 error(s), 0 warning(s)
"#,
    );
}

/// A question with more buttons than fit a phone screen.
#[test]
fn too_many_choices() {
    check_fixture(
        "too_many_choices",
        1,
        r#"
tests/fixtures/check/too_many_choices/rules.yaml:24:7: error: question `location` has 13 choices; at most 12 fit a phone screen
  help: split it into two questions
tests/fixtures/check/too_many_choices/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// An `ask_if` reading a question asked after it.
#[test]
fn ask_if_reads_later() {
    check_fixture(
        "ask_if_reads_later",
        1,
        r#"
tests/fixtures/check/ask_if_reads_later/rules.yaml:20:15: error: `ask_if` of question `age` reads `location`, which is asked after it
  help: questions are asked top to bottom; a condition can only read earlier answers
tests/fixtures/check/ask_if_reads_later/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// An `ask_if` reading its own question.
#[test]
fn ask_if_reads_itself() {
    check_fixture(
        "ask_if_reads_itself",
        1,
        r#"
tests/fixtures/check/ask_if_reads_itself/rules.yaml:30:35: error: `ask_if` of question `arrived_by_cutoff` reads its own answer
  help: questions are asked top to bottom; a condition can only read earlier answers
tests/fixtures/check/ask_if_reads_itself/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// An `ask_if` reading a question that is skipped on some paths.
#[test]
fn ask_if_reads_skipped() {
    check_fixture(
        "ask_if_reads_skipped",
        1,
        r#"
tests/fixtures/check/ask_if_reads_skipped/rules.yaml:38:15: error: `ask_if` of question `host_status` reads `arrived_by_cutoff`, which is not asked on some paths
  help: it is skipped after age=adult, location=mexico; add the condition that asks `arrived_by_cutoff` in front of it
tests/fixtures/check/ask_if_reads_skipped/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// A `when` reading a question that is skipped on some paths. The outcome then may apply outside Colombia, where `$cutoff` is not set, so its message is reported too.
#[test]
fn when_reads_skipped() {
    check_fixture(
        "when_reads_skipped",
        1,
        r#"
tests/fixtures/check/when_reads_skipped/locales/en/fixture.ftl:22:1: error: message `o-smo_colombia-next` uses `$cutoff`, which is not set on every path where `smo_colombia` applies
  help: it can use `$as_of`, `$closes`, `$opens`, `$reviewed`, `$status`
tests/fixtures/check/when_reads_skipped/locales/es/fixture.ftl:22:1: error: message `o-smo_colombia-next` uses `$cutoff`, which is not set on every path where `smo_colombia` applies
  help: it can use `$as_of`, `$closes`, `$opens`, `$reviewed`, `$status`
tests/fixtures/check/when_reads_skipped/rules.yaml:44:7: error: `when` of outcome `smo_colombia` reads `arrived_by_cutoff`, which is not asked on some paths
  help: it is skipped after age=adult, location=mexico; add the condition that asks `arrived_by_cutoff` in front of it
tests/fixtures/check/when_reads_skipped/rules.yaml: 3 error(s), 0 warning(s)
"#,
    );
}

/// A question that is never asked.
#[test]
fn never_asked() {
    check_fixture(
        "never_asked",
        1,
        r#"
tests/fixtures/check/never_asked/rules.yaml:29:9: error: question `arrived_by_cutoff` is never asked
  help: its `ask_if` is false for every combination of earlier answers, or a `stop` outcome always ends the interview before it
tests/fixtures/check/never_asked/rules.yaml:45:7: error: `when` of outcome `smo_colombia` reads `arrived_by_cutoff`, which is not asked on some paths
  help: it is skipped after age=adult, location=colombia; add the condition that asks `arrived_by_cutoff` in front of it
tests/fixtures/check/never_asked/rules.yaml: 2 error(s), 0 warning(s)
"#,
    );
}

/// An outcome that can never apply.
#[test]
fn never_applies() {
    check_fixture(
        "never_applies",
        1,
        r#"
tests/fixtures/check/never_applies/rules.yaml:42:9: error: outcome `smo_colombia` can never apply
  help: no combination of answers makes its `when` true or unknown
tests/fixtures/check/never_applies/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// Answers that lead to no outcome when there is no fallback.
#[test]
fn no_outcome() {
    check_fixture(
        "no_outcome",
        1,
        r#"
tests/fixtures/check/no_outcome/rules.yaml:38:3: error: some answers lead to no outcome
  help: for example age=adult, location=colombia, arrived_by_cutoff=no; add a `fallback:` outcome or an outcome for this case
tests/fixtures/check/no_outcome/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// A window that closes before it opens.
#[test]
fn window_closes_before_opens() {
    check_fixture(
        "window_closes_before_opens",
        1,
        r#"
tests/fixtures/check/window_closes_before_opens/rules.yaml:46:39: error: the window closes (2023-06-28) before it opens (2025-01)
  help: `closes` is the first day the programme no longer took applications; a month alone counts from its first day, and `opens` from the next month
tests/fixtures/check/window_closes_before_opens/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// A date that does not exist.
#[test]
fn bad_date() {
    check_fixture(
        "bad_date",
        1,
        r#"
tests/fixtures/check/bad_date/rules.yaml:4:11: error: `2026-11-31` is not a date: that month has 30 days
tests/fixtures/check/bad_date/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// A source with a date that does not exist: its tag must still count as known.
#[test]
fn broken_source_cascade() {
    check_fixture(
        "broken_source_cascade",
        1,
        r#"
tests/fixtures/check/broken_source_cascade/rules.yaml:11:16: error: `2023-11-31` is not a date: that month has 30 days
tests/fixtures/check/broken_source_cascade/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// A review older than `review_every_days`: a warning, exit 0.
#[test]
fn stale_review() {
    check_fixture(
        "stale_review",
        0,
        r#"
tests/fixtures/check/stale_review/rules.yaml:4:11: warning: the rules were last reviewed on 2025-01-15, 682 days ago; the file asks for a review every 180 days
  help: check every source again, then update `reviewed:`
tests/fixtures/check/stale_review/rules.yaml: 3 questions, 3 outcomes, 6 answer paths; 0 error(s), 1 warning(s)
"#,
    );
}

/// A source no outcome cites: a warning, exit 0.
#[test]
fn unused_source() {
    check_fixture(
        "unused_source",
        0,
        r#"
tests/fixtures/check/unused_source/rules.yaml:14:3: warning: source `s2` is not used by any outcome
  help: cite it in an outcome's `sources:`, or remove it
tests/fixtures/check/unused_source/rules.yaml: 3 questions, 3 outcomes, 6 answer paths; 0 error(s), 1 warning(s)
"#,
    );
}

/// A link no outcome shows: a warning, exit 0.
#[test]
fn unused_link() {
    check_fixture(
        "unused_link",
        0,
        r#"
tests/fixtures/check/unused_link/rules.yaml:17:3: warning: link `cbp_one` is not used by any outcome
  help: show it with an outcome's `links:`, or remove it
tests/fixtures/check/unused_link/rules.yaml: 3 questions, 3 outcomes, 6 answer paths; 0 error(s), 1 warning(s)
"#,
    );
}

/// A link that is not https.
#[test]
fn link_not_https() {
    check_fixture(
        "link_not_https",
        1,
        r#"
tests/fixtures/check/link_not_https/rules.yaml:16:21: error: `http://movilidadsegura.org/` is not an https URL
  help: write the full address, starting with https://
tests/fixtures/check/link_not_https/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// A question whose answer nothing reads: a warning, exit 0.
#[test]
fn unread_question() {
    check_fixture(
        "unread_question",
        0,
        r#"
tests/fixtures/check/unread_question/rules.yaml:37:9: warning: no condition reads the answer to `has_phone`
  help: ask a question only when its answer can change the result; use it in a `when` or `ask_if`, or remove it
tests/fixtures/check/unread_question/rules.yaml: 4 questions, 3 outcomes, 11 answer paths; 0 error(s), 1 warning(s)
"#,
    );
}

/// A Fluent syntax error, reported at its file, line and column.
#[test]
fn fluent_parse_error() {
    check_fixture(
        "fluent_parse_error",
        1,
        r#"
tests/fixtures/check/fluent_parse_error/locales/es/fixture.ftl:10:27: error: expected a token starting with `}`
  help: the `{` at 10:20 is never closed
tests/fixtures/check/fluent_parse_error/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// A message present in es but missing from en.
#[test]
fn message_missing_from_locale() {
    check_fixture(
        "message_missing_from_locale",
        1,
        r#"
tests/fixtures/check/message_missing_from_locale/locales/es/fixture.ftl:9:1: error: message `q-location-mexico` is missing from locale `en`
  help: add `q-location-mexico` to a file of locale `en`
tests/fixtures/check/message_missing_from_locale/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// A message whose variables differ between locales.
#[test]
fn variables_differ() {
    check_fixture(
        "variables_differ",
        1,
        r#"
tests/fixtures/check/variables_differ/locales/es/fixture.ftl:22:1: error: message `o-smo_colombia-next` uses no variables in `en` but `$cutoff` in `es`
tests/fixtures/check/variables_differ/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// A message using a variable that is not set on every path to it.
#[test]
fn variable_not_set_on_every_path() {
    check_fixture(
        "variable_not_set_on_every_path",
        1,
        r#"
tests/fixtures/check/variable_not_set_on_every_path/locales/en/fixture.ftl:25:1: error: message `o-no_pathway_found-next` uses `$cutoff`, which is not set on every path where `no_pathway_found` applies
  help: it can use `$as_of`, `$reviewed`, `$status`
tests/fixtures/check/variable_not_set_on_every_path/locales/es/fixture.ftl:25:1: error: message `o-no_pathway_found-next` uses `$cutoff`, which is not set on every path where `no_pathway_found` applies
  help: it can use `$as_of`, `$reviewed`, `$status`
tests/fixtures/check/variable_not_set_on_every_path/rules.yaml: 2 error(s), 0 warning(s)
"#,
    );
}

/// A message over 4,096 characters once `$cutoff` is rendered (under it as written); its card is over too.
#[test]
fn message_too_long() {
    check_fixture(
        "message_too_long",
        1,
        r#"
tests/fixtures/check/message_too_long/locales/es/fixture.ftl:22:1: error: message `o-smo_colombia-next` is 4239 characters long with its longest arguments; Telegram allows 4096
  help: shorten it, or move part of it to an official page linked from the outcome
tests/fixtures/check/message_too_long/rules.yaml:42:9: error: the `smo_colombia` card is 4466 characters long in `es`; Telegram allows 4096
  help: shorten its messages or list fewer sources
tests/fixtures/check/message_too_long/rules.yaml: 2 error(s), 0 warning(s)
"#,
    );
}

/// A button label over 32 characters.
#[test]
fn label_too_long() {
    check_fixture(
        "label_too_long",
        1,
        r#"
tests/fixtures/check/label_too_long/locales/es/fixture.ftl:10:1: error: button label `q-location-other` is 33 characters long; phones show about 32
  help: shorten it; the question text can carry the detail
tests/fixtures/check/label_too_long/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// Ids so long that a button's data is over 64 bytes.
#[test]
fn button_data_too_long() {
    check_fixture(
        "button_data_too_long",
        1,
        r#"
tests/fixtures/check/button_data_too_long/rules.yaml:34:13: error: the button for choice `does_not_remember` of `arrived_in_colombia_before_the_cutoff` needs 73 bytes of data; Telegram allows 64
  help: shorten the question id or the choice id
tests/fixtures/check/button_data_too_long/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// A default locale with no folder.
#[test]
fn default_locale_missing() {
    check_fixture(
        "default_locale_missing",
        1,
        r#"
tests/fixtures/check/default_locale_missing/rules.yaml:6:17: error: default locale `pt` is not among the locales (en, es)
tests/fixtures/check/default_locale_missing/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// A "billion laughs" alias bomb: every anchor and alias is refused, at once.
#[test]
fn alias_bomb() {
    check_fixture(
        "alias_bomb",
        1,
        r#"
tests/fixtures/check/alias_bomb/rules.yaml:2:4: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:3:4: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:3:8: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:3:12: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:3:16: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:3:20: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:3:24: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:3:28: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:3:32: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:3:36: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:3:40: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:4:4: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:4:8: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:4:12: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:4:16: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:4:20: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:4:24: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:4:28: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:4:32: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:4:36: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:4:40: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:5:4: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:5:8: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:5:12: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:5:16: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:5:20: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:5:24: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:5:28: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:5:32: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:5:36: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:5:40: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:6:4: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:6:8: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:6:12: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:6:16: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:6:20: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:6:24: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:6:28: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:6:32: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:6:36: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:6:40: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:7:4: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:7:8: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:7:12: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:7:16: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:7:20: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:7:24: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:7:28: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:7:32: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:7:36: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:7:40: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:8:4: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:8:8: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:8:12: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:8:16: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:8:20: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:8:24: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:8:28: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:8:32: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:8:36: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:8:40: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:9:4: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:9:8: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:9:12: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:9:16: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:9:20: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:9:24: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:9:28: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:9:32: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:9:36: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:9:40: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:10:4: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:10:8: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:10:12: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:10:16: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:10:20: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:10:24: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:10:28: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:10:32: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:10:36: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml:10:40: error: anchors and aliases are not allowed in rules files
  help: write the value out in full
tests/fixtures/check/alias_bomb/rules.yaml: 81 error(s), 0 warning(s)
"#,
    );
}

/// An empty rules file.
#[test]
fn empty_file() {
    check_fixture(
        "empty_file",
        1,
        r#"
tests/fixtures/check/empty_file/rules.yaml:1:1: error: the file is empty
  help: a rules file starts with `rumbo: 1`; see docs/rules.md
tests/fixtures/check/empty_file/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// Six problems of different kinds (rules and locales): all reported in one run.
#[test]
fn many_problems() {
    check_fixture(
        "many_problems",
        1,
        r#"
tests/fixtures/check/many_problems/locales/en/fixture.ftl:6:1: error: expected a token starting with `}`
  help: the `{` at 4:21 is never closed
tests/fixtures/check/many_problems/rules.yaml:20:22: error: duplicate choice `adult` in question `age`
  help: the first is at line 20, column 15
tests/fixtures/check/many_problems/rules.yaml:30:15: error: unknown question `locaton`
  help: did you mean `location`?
tests/fixtures/check/many_problems/rules.yaml:40:11: error: expected `true` or `false`, found `yes`
  help: in rules files `yes` and `no` are plain text; write true or false
tests/fixtures/check/many_problems/rules.yaml:46:39: error: the window closes (2023-06-28) before it opens (2025-01)
  help: `closes` is the first day the programme no longer took applications; a month alone counts from its first day, and `opens` from the next month
tests/fixtures/check/many_problems/rules.yaml:48:13: error: unknown link `movilidadsegura`
  help: did you mean `movilidad_segura`?
tests/fixtures/check/many_problems/rules.yaml: 6 error(s), 0 warning(s)
"#,
    );
}

/// The same with a wrong top-level field too: it must not hide the rest.
#[test]
fn many_problems_top_level() {
    check_fixture(
        "many_problems_top_level",
        1,
        r#"
tests/fixtures/check/many_problems_top_level/locales/en/fixture.ftl:6:1: error: expected a token starting with `}`
  help: the `{` at 4:21 is never closed
tests/fixtures/check/many_problems_top_level/rules.yaml:5:20: error: expected a whole number, found `half a year`
tests/fixtures/check/many_problems_top_level/rules.yaml:20:22: error: duplicate choice `adult` in question `age`
  help: the first is at line 20, column 15
tests/fixtures/check/many_problems_top_level/rules.yaml:30:15: error: unknown question `locaton`
  help: did you mean `location`?
tests/fixtures/check/many_problems_top_level/rules.yaml:40:11: error: expected `true` or `false`, found `yes`
  help: in rules files `yes` and `no` are plain text; write true or false
tests/fixtures/check/many_problems_top_level/rules.yaml:46:39: error: the window closes (2023-06-28) before it opens (2025-01)
  help: `closes` is the first day the programme no longer took applications; a month alone counts from its first day, and `opens` from the next month
tests/fixtures/check/many_problems_top_level/rules.yaml:48:13: error: unknown link `movilidadsegura`
  help: did you mean `movilidad_segura`?
tests/fixtures/check/many_problems_top_level/rules.yaml: 7 error(s), 0 warning(s)
"#,
    );
}

/// Flow lists nested 10,000 deep: refused at the 65th level, at once, without a stack overflow.
#[test]
fn deep_flow_nesting() {
    let text = "[".repeat(10_000) + &"]".repeat(10_000) + "\n";
    check_generated(
        text.as_bytes(),
        1,
        r#"
<tmp>/rules.yaml:1:65: error: nesting is deeper than 64 levels
  help: rules files need only a few levels; flatten this part
<tmp>/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// Block lists nested 10,000 deep (`- - - … x` on one line): refused at the 65th level.
#[test]
fn deep_block_nesting() {
    let text = "- ".repeat(10_000) + "x\n";
    check_generated(
        text.as_bytes(),
        1,
        r#"
<tmp>/rules.yaml:1:129: error: nesting is deeper than 64 levels
  help: rules files need only a few levels; flatten this part
<tmp>/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// A 50 MB file: refused by its size, before it is parsed (and quickly).
#[test]
fn fifty_megabytes() {
    let line = format!("# {}\n", "x".repeat(97));
    let mut text = String::from("rumbo: 1\n");
    text.push_str(&line.repeat(50 * 1024 * 1024 / line.len()));
    check_generated(
        text.as_bytes(),
        1,
        r#"
<tmp>/rules.yaml:1:1: error: file is larger than 4194304 bytes, the limit for rules files
  help: a rules file is a few hundred kilobytes at most; check that this is the right file
<tmp>/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// Two good lines, then random bytes: refused as not UTF-8, at the first bad byte (line 3).
#[test]
fn random_bytes() {
    let mut bytes = b"rumbo: 1\nid: noise\n".to_vec();
    // The first of these bytes is 0xae, which cannot start a UTF-8 character.
    bytes.extend(pseudo_random_bytes(4096, 0x9E37_79B9_7F4A_7C15));
    check_generated(
        &bytes,
        1,
        r#"
<tmp>/rules.yaml:3:1: error: file is not valid UTF-8
  help: save the file as UTF-8 text
<tmp>/rules.yaml: 1 error(s), 0 warning(s)
"#,
    );
}

/// A rules file that does not exist: an I/O error, exit 2, no summary.
#[test]
fn missing_rules_file() {
    let output = rumbo()
        .args([
            "check",
            "tests/fixtures/check/no_such_fixture/rules.yaml",
            "--today",
            TODAY,
        ])
        .output()
        .expect("rumbo runs");
    assert_check_output(
        &output,
        2,
        r#"
error: tests/fixtures/check/no_such_fixture/rules.yaml: no such file or folder
"#,
        None,
    );
}

/// A rules file with no `locales` folder next to it or above it: exit 2.
#[test]
fn missing_locales_folder() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let rules = tmp.path().join("rules.yaml");
    std::fs::copy("tests/fixtures/check/clean/rules.yaml", &rules).expect("copied");
    let output = rumbo()
        .arg("check")
        .arg(&rules)
        .args(["--today", TODAY])
        .output()
        .expect("rumbo runs");
    assert_check_output(
        &output,
        2,
        r#"
error: <tmp>/rules.yaml: no `locales` folder next to the rules file or above it; name one with --locales
"#,
        Some(tmp.path()),
    );
}

/// `--locales` naming a folder that does not exist: exit 2.
#[test]
fn missing_locales_folder_given() {
    let output = rumbo()
        .args([
            "check",
            "tests/fixtures/check/clean/rules.yaml",
            "--locales",
            "tests/fixtures/check/clean/no_such_locales",
            "--today",
            TODAY,
        ])
        .output()
        .expect("rumbo runs");
    assert_check_output(
        &output,
        2,
        r#"
error: tests/fixtures/check/clean/no_such_locales: no such file or folder
"#,
        None,
    );
}

/// Every fixture folder is used by a test in this file.
#[test]
fn every_fixture_has_a_test() {
    let source = include_str!("check.rs");
    for entry in std::fs::read_dir("tests/fixtures/check").expect("the fixtures folder") {
        let name = entry
            .expect("a fixture")
            .file_name()
            .into_string()
            .expect("a UTF-8 name");
        assert!(
            source.contains(&format!("check_fixture(\n        \"{name}\",")),
            "no test runs the fixture `{name}`"
        );
    }
}
