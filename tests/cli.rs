//! The `rumbo` binary end to end: `check` on the built-in rules, `test` on scenario files,
//! `chat` driven through a pipe, and usage errors.
//!
//! Chat tests compare whole transcripts with each other where they can ("typing `colombia` is
//! the same as typing `1`") and otherwise look for a few lines of the result card, so that a
//! rewording in the locales does not break them.

mod common;

use std::path::Path;
use std::process::Output;

use common::{assert_text, rumbo};

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

#[track_caller]
fn assert_status(output: &Output, status: i32) {
    assert_eq!(
        output.status.code(),
        Some(status),
        "exit status (None: killed, or timed out)\nstdout:\n{}\nstderr:\n{}",
        stdout(output),
        stderr(output)
    );
}

/// Asserts that `parts` appear in `text` in this order.
#[track_caller]
fn assert_in_order(text: &str, parts: &[&str]) {
    let mut rest = text;
    for part in parts {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => panic!("`{part}` is missing (or out of order) in:\n{text}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// rumbo check

/// `rumbo check` with no argument checks the built-in rules: exit 0 and the summary line.
#[test]
fn check_without_argument_checks_the_built_in_rules() {
    let output = rumbo().arg("check").output().expect("rumbo runs");
    assert_status(&output, 0);
    assert_eq!(stdout(&output), "");
    let err = stderr(&output);
    let summary = err.lines().last().expect("a summary line");
    let counts = summary
        .strip_prefix("rules/safe-mobility.yaml: ")
        .unwrap_or_else(|| panic!("summary names the built-in rules: {summary}"));
    let words: Vec<&str> = counts.split(' ').collect();
    assert!(
        matches!(
            words.as_slice(),
            [
                _,
                "questions,",
                _,
                "outcomes,",
                _,
                "answer",
                "paths;",
                "0",
                "error(s),",
                _,
                "warning(s)"
            ]
        ),
        "summary: {summary}"
    );
    // Warnings (a stale review, say) are allowed; errors are not.
    assert!(!err.contains(": error: "), "{err}");
}

/// `RUMBO_RULES` stands for the rules argument.
#[test]
fn check_reads_the_rules_named_by_the_environment() {
    let output = rumbo()
        .env("RUMBO_RULES", "tests/fixtures/check/clean/rules.yaml")
        .args(["check", "--today", "2026-11-28"])
        .output()
        .expect("rumbo runs");
    assert_status(&output, 0);
    assert_text(
        "stderr",
        r#"
tests/fixtures/check/clean/rules.yaml: 3 questions, 3 outcomes, 6 answer paths; 0 error(s), 0 warning(s)
"#,
        &stderr(&output),
    );
}

// ---------------------------------------------------------------------------------------------
// rumbo test

/// Writes one scenario file into a temporary folder and runs it against the shipped rules.
fn run_scenario(name: &str, text: &str, extra: &[&str]) -> (Output, tempfile::TempDir) {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let file = tmp.path().join(name);
    std::fs::write(&file, text).expect("the scenario file is written");
    let output = rumbo()
        .args(["test", "--rules", "rules/example/example.yaml"])
        .args(extra)
        .arg(&file)
        .output()
        .expect("rumbo runs");
    (output, tmp)
}

/// Replaces the temporary folder with `<tmp>`.
fn untemp(text: &str, tmp: &Path) -> String {
    text.replace(&tmp.display().to_string(), "<tmp>")
}

/// The shipped scenarios pass.
#[test]
fn test_passes_on_the_shipped_scenarios() {
    let output = rumbo()
        .args([
            "test",
            "--rules",
            "rules/example/example.yaml",
            "rules/example/tests",
        ])
        .output()
        .expect("rumbo runs");
    assert_status(&output, 0);
    let out = stdout(&output);
    let last = out.lines().last().expect("a summary line");
    let passed = last
        .strip_suffix(" passed, 0 failed")
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or_else(|| panic!("last line is `N passed, 0 failed`: {last}"));
    assert!(passed > 0, "{out}");
    assert!(!out.contains("FAIL"), "{out}");
    assert_eq!(stderr(&output), "");
}

/// A wrong expectation fails with the case's place and a readable difference.
#[test]
fn test_reports_a_wrong_expectation() {
    let (output, tmp) = run_scenario(
        "wrong.yaml",
        r#"as_of: 2023-11-01
cases:
  - name: Venezuelan in Colombia by the cutoff
    answers: { age: adult, location: colombia, nationality: venezuela, arrived_by_cutoff: "yes", host_status: regular }
    expect:
      open: [cbp_one]
"#,
        &[],
    );
    assert_status(&output, 1);
    assert_text(
        "stdout",
        r#"
FAIL <tmp>/wrong.yaml:3:11: Venezuelan in Colombia by the cutoff
  open: expected [cbp_one], got [smo_colombia] (missing cbp_one; unexpected smo_colombia)
0 passed, 1 failed
"#,
        &untemp(&stdout(&output), tmp.path()),
    );
    assert_eq!(stderr(&output), "");
}

/// A case that leaves an asked question unanswered fails and names the question.
#[test]
fn test_reports_an_unanswered_question() {
    let (output, tmp) = run_scenario(
        "unanswered.yaml",
        r#"as_of: 2023-11-01
cases:
  - name: forgot the nationality
    answers: { age: adult, location: colombia }
    expect:
      open: [no_pathway_found]
"#,
        &[],
    );
    assert_status(&output, 1);
    assert_text(
        "stdout",
        r#"
FAIL <tmp>/unanswered.yaml:3:11: forgot the nationality
  question `nationality` was asked, but the case gives no answer for it
0 passed, 1 failed
"#,
        &untemp(&stdout(&output), tmp.path()),
    );
}

/// Unknown outcome, question and choice ids fail with "did you mean".
#[test]
fn test_reports_unknown_ids_with_suggestions() {
    let (output, tmp) = run_scenario(
        "unknown.yaml",
        r#"as_of: 2023-11-01
cases:
  - name: misspelt outcome
    answers: { age: adult, location: united_states }
    expect:
      open: [in_united_state]
  - name: misspelt question
    answers: { age: adult, locaton: united_states }
    expect:
      open: [in_united_states]
  - name: misspelt choice
    answers: { age: adult, location: unitedstates }
    expect:
      open: [in_united_states]
"#,
        &[],
    );
    assert_status(&output, 1);
    assert_text(
        "stdout",
        r#"
FAIL <tmp>/unknown.yaml:3:11: misspelt outcome
  expect names an unknown outcome `in_united_state` (did you mean `in_united_states`?)
FAIL <tmp>/unknown.yaml:7:11: misspelt question
  answers name an unknown question `locaton` (did you mean `location`?)
FAIL <tmp>/unknown.yaml:11:11: misspelt choice
  question `location` has no choice `unitedstates` (did you mean `united_states`?)
0 passed, 3 failed
"#,
        &untemp(&stdout(&output), tmp.path()),
    );
}

const MINOR_WITH_EXTRA_ANSWERS: &str = r#"as_of: 2023-11-01
cases:
  - name: a minor stops before the country
    answers: { age: minor, location: colombia, nationality: cuba }
    expect:
      open: [minor_referral]
"#;

/// `--verbose` lists the answers to questions that were never asked; the case still passes.
#[test]
fn test_verbose_lists_answers_never_asked() {
    let (output, tmp) = run_scenario("verbose.yaml", MINOR_WITH_EXTRA_ANSWERS, &["--verbose"]);
    assert_status(&output, 0);
    assert_text(
        "stdout",
        r#"
note <tmp>/verbose.yaml:3:11: a minor stops before the country: never asked: location, nationality
1 passed, 0 failed
"#,
        &untemp(&stdout(&output), tmp.path()),
    );
    // Without --verbose, only the count.
    let (output, _tmp) = run_scenario("quiet.yaml", MINOR_WITH_EXTRA_ANSWERS, &[]);
    assert_status(&output, 0);
    assert_eq!(stdout(&output), "1 passed, 0 failed\n");
}

/// A scenario file with a YAML error is reported at file:line:col and counts as failed.
#[test]
fn test_reports_a_yaml_error_in_a_scenario_file() {
    let (output, tmp) = run_scenario(
        "broken.yaml",
        r#"as_of: 2023-11-01
cases:
  - name: a minor
    answers: { age: minor }
    answers: { age: adult }
    expect:
      open: [minor_referral]
"#,
        &[],
    );
    assert_status(&output, 1);
    assert_text(
        "stderr",
        r#"
<tmp>/broken.yaml:5:5: error: duplicate key `answers`
  help: the first `answers` is at line 4, column 5; a key may appear only once
"#,
        &untemp(&stderr(&output), tmp.path()),
    );
    assert_eq!(
        untemp(&stdout(&output), tmp.path()),
        "FAIL <tmp>/broken.yaml: the scenario file has 1 problem(s), listed on stderr\n0 passed, 1 failed\n"
    );
}

/// `rumbo test` and `rumbo chat` refuse rules with errors, print them, and exit 1.
#[test]
fn test_and_chat_refuse_rules_with_errors() {
    let expected = r#"
tests/fixtures/check/duplicate_key/rules.yaml:23:5: error: duplicate key `id`
  help: the first `id` is at line 22, column 5; a key may appear only once
error: tests/fixtures/check/duplicate_key/rules.yaml has 1 error(s); fix them first (`rumbo check` lists them all)
"#;
    for command in ["test", "chat"] {
        let output = rumbo()
            .args([
                command,
                "--rules",
                "tests/fixtures/check/duplicate_key/rules.yaml",
            ])
            .write_stdin("1\n")
            .output()
            .expect("rumbo runs");
        assert_status(&output, 1);
        assert_text(command, expected, &stderr(&output));
        assert_eq!(stdout(&output), "", "{command}");
    }
}

// ---------------------------------------------------------------------------------------------
// rumbo chat

/// The docs' worked example: small, so the chat mechanics below are easy to follow.
const EXAMPLE: &[&str] = &["--rules", "rules/example/example.yaml"];

/// `rumbo chat` on the worked example with `args`, fed `input`; checks it ends with exit 0
/// and nothing on stderr.
#[track_caller]
fn chat(args: &[&str], input: &str) -> String {
    chat_on(EXAMPLE, args, input)
}

/// `rumbo chat` with `rules` (none: the built-in default) and `args`, fed `input`.
#[track_caller]
fn chat_on(rules: &[&str], args: &[&str], input: &str) -> String {
    let output = rumbo()
        .arg("chat")
        .args(rules)
        .args(args)
        .write_stdin(input)
        .output()
        .expect("rumbo runs");
    assert_status(&output, 0);
    assert_eq!(
        stderr(&output),
        "",
        "stderr of chat {args:?} with {input:?}"
    );
    stdout(&output)
}

const ES: &[&str] = &["--lang", "es", "--as-of", "2023-11-01"];
const EN: &[&str] = &["--lang", "en", "--as-of", "2023-11-01"];

/// Adult, in Colombia, Venezuelan, there by the cutoff, regular status, then "see my result".
const SMO_COLOMBIA: &str = "1\n1\n3\n1\n1\n6\n";

/// A whole session in Spanish reaches the result card of the Safe Mobility Office.
#[test]
fn chat_spanish_session_reaches_the_result() {
    let out = chat(ES, SMO_COLOMBIA);
    assert_in_order(
        &out,
        &[
            "Escribe el número de tu respuesta.",
            "Pregunta 1",
            "¿Cuántos años tienes?",
            "  1. 18 años o más",
            "¿En qué país estás ahora?",
            "  1. Colombia",
            "¿Cuál es tu nacionalidad?",
            "  3. Venezolana",
            "¿Estabas en Colombia el 11 de junio de 2023 o antes?",
            "¿Cuál es tu situación migratoria hoy en Colombia?",
            "Tus respuestas.",
            "País actual: Colombia",
            "Nacionalidad: Venezolana",
            "✅ Ver mi resultado",
            "Tu resultado",
            "✅ Podrías calificar",
            "Oficina de Movilidad Segura en Colombia",
            "el 11 de junio de 2023 o antes",
            "🔗 Movilidad Segura (oficial): https://movilidadsegura.org/",
            "resultado al 1 de noviembre de 2023.",
        ],
    );
    assert!(!out.contains("cerró"), "{out}");
}

/// The same session in English.
#[test]
fn chat_english_session_reaches_the_result() {
    let out = chat(EN, SMO_COLOMBIA);
    assert_in_order(
        &out,
        &[
            "Type the number of your answer.",
            "Question 1",
            "How old are you?",
            "Which country are you in now?",
            "What is your nationality?",
            "Were you in Colombia on or before 11 June 2023?",
            "What is your migration status in Colombia today?",
            "Your answers.",
            "Your result",
            "✅ You may be eligible",
            "Safe Mobility Office in Colombia",
            "result as of 1 November 2023.",
        ],
    );
    assert!(!out.contains("¿"), "{out}");
}

/// `--record` adds the chat to the counters of a database (created if missing), exactly as
/// the bot counts, and `rumbo stats` reads them back; nothing else is written.
#[test]
fn chat_record_counts_what_the_bot_would_and_stats_reads_it() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let db = format!("sqlite:{}", dir.path().join("demo.db").display());
    for _ in 0..3 {
        chat(&[EN, &["--record", "--db", &db]].concat(), SMO_COLOMBIA);
    }
    // Without --record nothing is written, not even a database.
    let unused = dir.path().join("unused.db");
    let unused_url = format!("sqlite:{}", unused.display());
    chat(&[EN, &["--db", &unused_url]].concat(), SMO_COLOMBIA);
    assert!(!unused.exists());
    let output = rumbo()
        .args(["stats", "--db", &db, "--format", "json", "--k", "3"])
        .output()
        .expect("rumbo runs");
    assert_status(&output, 0);
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("json");
    assert_eq!(report["overview"]["started"], 3, "{report:#}");
    assert_eq!(report["overview"]["completed"], 3, "{report:#}");
    assert_eq!(report["languages"][0]["key"], "en");
    let dimensions = report["dimensions"].as_array().expect("dimensions");
    assert!(
        dimensions
            .iter()
            .any(|d| d["dimensions"]["location"] == "colombia"
                && d["outcome"] == "smo_colombia"
                && d["count"] == 3),
        "{report:#}"
    );
    let funnel = report["funnel"].as_array().expect("a funnel");
    assert!(
        funnel
            .iter()
            .any(|q| q["question"] == "age" && q["shown"] == 3),
        "{report:#}"
    );
}

/// The screen shown after each input, for `input` given line by line from the start: the
/// transcript of `input` is the transcript of its first lines plus this.
fn last_screens(args: &[&str], input: &str) -> String {
    let all = chat(args, input);
    let lines: Vec<&str> = input.lines().collect();
    let before: String = lines[..lines.len() - 1]
        .iter()
        .map(|l| format!("{l}\n"))
        .collect();
    let earlier = chat(args, &before);
    all.strip_prefix(&earlier)
        .unwrap_or_else(|| panic!("{input:?} does not extend {before:?}:\n{all}"))
        .to_string()
}

/// `b` goes back: the previous question is shown again, as it was.
#[test]
fn chat_back_shows_the_previous_question_again() {
    let country = last_screens(ES, "1\n");
    assert!(country.contains("¿En qué país estás ahora?"), "{country}");
    assert_eq!(last_screens(ES, "1\n1\nb\n"), country);
    assert_eq!(last_screens(ES, "1\n1\nB\n"), country);
}

/// `r` starts over from the first question.
#[test]
fn chat_restart_starts_over() {
    let start = chat(ES, "");
    let first = start
        .split_once("q: salir.\n")
        .map(|(_privacy_and_hint, rest)| rest)
        .expect("the privacy notice and the hint, then the first question");
    assert!(first.contains("¿Cuántos años tienes?"), "{first}");
    assert_eq!(last_screens(ES, "1\n1\nr\n"), first);
    // The answers are gone: the country is asked again after the age.
    assert_eq!(last_screens(ES, "1\n1\nr\n1\n"), last_screens(ES, "1\n"));
}

/// Typing a button's label works like its number: case, accents and spaces do not matter.
#[test]
fn chat_labels_work_like_numbers() {
    assert_eq!(chat(ES, "1\ncolombia\n"), chat(ES, "1\n1\n"));
    assert_eq!(chat(ES, "1\nMÉXICO\n"), chat(ES, "1\n2\n"));
    assert_eq!(chat(ES, "1\n  mexico \n"), chat(ES, "1\n2\n"));
    assert_eq!(chat(ES, "18 años o más\n"), chat(ES, "1\n"));
    assert_eq!(chat(EN, "1\nunited states\n"), chat(EN, "1\n3\n"));
}

/// The privacy notice `rumbo chat` opens with, in Spanish.
const ES_PRIVACY: &str = "🔒 Esta guía nunca te pide tu nombre, documentos ni datos de contacto. Tus respuestas solo se usan para mostrarte tu resultado. Es información, no asesoría legal, y es gratis.";

/// Input that is no button gets the hint and the same question again, without a crash.
#[test]
fn chat_invalid_input_gets_the_hint_and_the_same_question() {
    let start = chat(ES, "");
    // The privacy notice comes once, first; the hint and the question come again after
    // every input that is no button.
    let again = start
        .strip_prefix(ES_PRIVACY)
        .and_then(|rest| rest.strip_prefix("\n\n"))
        .expect("the privacy notice first");
    assert!(
        again.starts_with(
            "Escribe el número de tu respuesta. b: atrás, r: empezar de nuevo, q: salir.\n"
        ),
        "{start}"
    );
    let long = "x".repeat(4000);
    for bad in [
        "hola",
        "99",
        "0",
        "3",
        &long,
        "🇨🇴",
        "😀😀😀",
        "",
        "   ",
        "\u{0}",
        "1 2",
    ] {
        let out = chat(ES, &format!("{bad}\n"));
        assert!(
            out == format!("{start}\n{again}"),
            "after {:?}:\n{out}",
            bad.chars().take(20).collect::<String>()
        );
    }
    // Punctuation and emoji around a number are ignored, by design (src/matching.rs).
    assert_eq!(chat(ES, "1.\n"), chat(ES, "1\n"));
    assert_eq!(chat(ES, "1️⃣\n"), chat(ES, "1\n"));
    // Several bad lines, then a good one: the interview goes on.
    assert_eq!(
        last_screens(ES, "hola\n99\n🇨🇴\n1\n"),
        last_screens(ES, "1\n")
    );
}

/// End of input ends the chat with exit 0, wherever it is; `q` quits early.
#[test]
fn chat_ends_at_end_of_input_or_q() {
    let start = chat(ES, "");
    assert!(start.ends_with("  2. Menos de 18 años\n\n"), "{start}");
    chat(ES, "1\n1\n");
    assert_eq!(chat(ES, "1\nq\n2\n3\n"), chat(ES, "1\n"));
    // A last line without a newline is still read.
    assert_eq!(chat(ES, "1\n1"), chat(ES, "1\n1\n"));
}

/// From the review screen, an answer can be changed; the questions it opens are asked next.
#[test]
fn chat_changes_an_answer_from_the_review_screen() {
    // Adult, in Colombia, another nationality: the review screen.
    let review = last_screens(ES, "1\n1\n5\n");
    assert_in_order(
        &review,
        &[
            "Tus respuestas.",
            "Nacionalidad: Otra nacionalidad",
            "  3. ✏️ Nacionalidad",
            "  4. ✅ Ver mi resultado",
        ],
    );
    // Change the nationality to Venezuelan: the arrival date and the status are asked now.
    let out = chat(ES, "1\n1\n5\n3\n3\n1\n1\n6\n");
    let after = &out[chat(ES, "1\n1\n5\n").len()..];
    assert_in_order(
        after,
        &[
            "Cambia tu respuesta: Nacionalidad",
            "¿Cuál es tu nacionalidad?",
            "¿Estabas en Colombia el 11 de junio de 2023 o antes?",
            "¿Cuál es tu situación migratoria hoy en Colombia?",
            "Tus respuestas.",
            "Nacionalidad: Venezolana",
            "✅ Podrías calificar",
            "Oficina de Movilidad Segura en Colombia",
        ],
    );
    assert!(
        !after.contains("Nacionalidad: Otra nacionalidad"),
        "{after}"
    );
}

/// A minor is referred at once: no other question, no review screen.
#[test]
fn chat_minor_stops_early() {
    let result = last_screens(ES, "2\n");
    assert_in_order(
        &result,
        &[
            "Tu resultado",
            "Eres menor de 18 años",
            "Porque respondiste: Edad: Menos de 18 años",
            "resultado al 1 de noviembre de 2023.",
        ],
    );
    assert!(!result.contains("¿En qué país estás ahora?"), "{result}");
    assert!(!result.contains("Tus respuestas."), "{result}");
    // A referral is not a programme to qualify for.
    assert!(!result.contains("Podrías calificar"), "{result}");
}

/// Without `--as-of` the chat runs as of today, when the example's programmes have closed.
#[test]
fn chat_as_of_today_shows_closed_programmes() {
    let out = chat(&["--lang", "es"], SMO_COLOMBIA);
    assert_in_order(
        &out,
        &[
            "Tu resultado",
            "⛔ Este programa cerró en enero de 2025",
            "Oficina de Movilidad Segura en Colombia",
            "No encontramos un camino abierto para tus respuestas",
        ],
    );
    assert!(
        !out.contains("resultado al 1 de noviembre de 2023"),
        "{out}"
    );
}

/// Regional tags pick the language: es-419 is es, en-GB is en; an unknown one gets the default.
#[test]
fn chat_negotiates_the_language() {
    let es = chat(ES, SMO_COLOMBIA);
    let en = chat(EN, SMO_COLOMBIA);
    assert_ne!(es, en);
    for (lang, expected) in [
        ("es-419", &es),
        ("es-MX", &es),
        ("en-GB", &en),
        ("EN", &en),
        ("pt-BR", &es),
    ] {
        let out = chat(&["--lang", lang, "--as-of", "2023-11-01"], SMO_COLOMBIA);
        assert!(&out == expected, "--lang {lang}:\n{out}");
    }
    assert_eq!(chat(&["--as-of", "2023-11-01"], SMO_COLOMBIA), es);
}

// ---------------------------------------------------------------------------------------------
// usage errors

#[track_caller]
fn assert_usage_error(args: &[&str], message: &str) {
    let output = rumbo()
        .args(args)
        .write_stdin("")
        .output()
        .expect("rumbo runs");
    assert_status(&output, 2);
    let err = stderr(&output);
    assert!(err.contains(message), "rumbo {args:?}:\n{err}");
    assert_eq!(stdout(&output), "");
}

#[test]
fn usage_errors_exit_2() {
    assert_usage_error(&["frobnicate"], "unrecognized subcommand 'frobnicate'");
    assert_usage_error(&[], "Usage: rumbo <COMMAND>");
    assert_usage_error(
        &["chat", "--as-of", "2023-13-01"],
        "invalid value '2023-13-01' for '--as-of <AS_OF>': `2023-13-01` is not a date",
    );
    assert_usage_error(
        &["check", "--today", "tomorrow"],
        "invalid value 'tomorrow' for '--today <TODAY>': `tomorrow` is not a date",
    );
    assert_usage_error(
        &["check", "--frobnicate"],
        "unexpected argument '--frobnicate'",
    );
}

/// I/O errors exit 2 too: a scenario path that does not exist.
#[test]
fn test_with_a_missing_scenario_path_exits_2() {
    let output = rumbo()
        .args([
            "test",
            "--rules",
            "rules/example/example.yaml",
            "rules/no_such_tests",
        ])
        .output()
        .expect("rumbo runs");
    assert_status(&output, 2);
    assert_text(
        "stderr",
        r#"
error: rules/no_such_tests: no such file or folder
"#,
        &stderr(&output),
    );
}

// ---------------------------------------------------------------------------------------------
// The built-in Safe Mobility rules, as a reviewer reads them

/// Three people a reviewer follows through `rumbo chat` on the built-in rules as of
/// 1 November 2023: each verdict comes with the answers behind it, its sources and an
/// official link, in both languages.
#[test]
fn chat_default_rules_give_sourced_verdicts_for_three_people() {
    // (answers by number, title in es, title in en, a source the card cites, the official link)
    let people: [(&str, &str, &str, &str, &str); 3] = [
        (
            // Colombia, adult, Venezuelan, there by 11 June 2023, regular status, no other
            // residence, no supporter, no relative in Canada; see the result.
            "1\n1\n4\n1\n1\n2\n2\n2\n9\n",
            "Oficina de Movilidad Segura en Colombia",
            "Safe Mobility Office in Colombia",
            "https://movilidadsegura.org/en/colombia/",
            "https://movilidadsegura.org/",
        ),
        (
            // Ecuador, adult, Haitian, there by 18 October 2023, asylum seeker registered by
            // then, no other residence, no supporter, no family petition, no relative in Canada.
            "3\n1\n2\n1\n3\n1\n2\n2\n3\n2\n11\n",
            "Oficina de Movilidad Segura en Ecuador",
            "Safe Mobility Office in Ecuador",
            "https://movilidadsegura.org/en/ecuador/",
            "https://www.state.gov/announcement-of-safe-mobility-office-in-ecuador/",
        ),
        (
            // Another country (Cuba itself), adult, Cuban, no other residence, a supporter, a
            // passport, no irregular entry, not stopped at sea, no removal order, no petition.
            "7\n1\n1\n2\n1\n1\n1\n2\n2\n3\n11\n",
            "Parole para personas de Cuba, Haití, Nicaragua y Venezuela (CHNV)",
            "Parole for people from Cuba, Haiti, Nicaragua and Venezuela (CHNV)",
            "https://www.govinfo.gov/content/pkg/FR-2023-04-28/html/2023-09013.htm (28 April 2023)",
            "https://www.uscis.gov/humanitarian/frequently-asked-questions-about-the-processes-for-cubans-haitians-nicaraguans-and-venezuelans",
        ),
    ];
    for (input, es_title, en_title, source, link) in people {
        let es = chat_on(&[], ES, input);
        let result = &es[es.find("Tu resultado").unwrap_or_else(|| panic!("{es}"))..];
        assert_in_order(
            result,
            &[
                "✅ Podrías calificar",
                es_title,
                "Porque respondiste:",
                "Fuentes:",
                source.split(" (").next().unwrap_or(source),
                link,
                "Es gratis: nunca le pagues a nadie por esto.",
            ],
        );
        assert!(
            !result.contains("No encontramos un camino abierto"),
            "{result}"
        );
        let en = chat_on(&[], EN, input);
        let result = &en[en.find("Your result").unwrap_or_else(|| panic!("{en}"))..];
        assert_in_order(
            result,
            &[
                "✅ You may be eligible",
                en_title,
                "Because you answered:",
                "Sources:",
                source,
                link,
                "Free of charge: never pay anyone for this.",
            ],
        );
    }
}

// ---------------------------------------------------------------------------------------------
// rumbo run: what happens before anything connects

/// Without a token, or with something that is not one, `run` says so in one line and exits 2.
#[test]
fn run_without_a_valid_token_says_so_in_one_line() {
    let missing = rumbo()
        .arg("run")
        .env_remove("TELOXIDE_TOKEN")
        .output()
        .expect("rumbo runs");
    assert_status(&missing, 2);
    assert_eq!(
        stderr(&missing),
        "error: TELOXIDE_TOKEN is not set; create a bot with @BotFather and export its token\n"
    );
    for bad in [
        "",
        "hello",
        "123:short",
        "abc:0123456789abcdefghijklmnop",
        "123456:has spaces in it ok?",
    ] {
        let out = rumbo()
            .arg("run")
            .env("TELOXIDE_TOKEN", bad)
            .output()
            .expect("rumbo runs");
        assert_status(&out, 2);
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("error: TELOXIDE_TOKEN"), "{err}");
        assert!(
            bad.is_empty() || !err.contains(bad),
            "the token is never echoed: {err}"
        );
    }
    let url = rumbo()
        .arg("run")
        .env("TELOXIDE_TOKEN", "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef")
        .env("TELOXIDE_API_URL", "not a url")
        .output()
        .expect("rumbo runs");
    assert_status(&url, 2);
    assert_eq!(stderr(&url), "error: TELOXIDE_API_URL is not a URL\n");
}

/// `RUMBO_ADMINS` is checked before anything starts: a malformed list is one line naming the
/// variable and the bad item's position (never its value), and exit 2.
#[test]
fn run_with_malformed_admins_says_so_and_does_not_start() {
    for (bad, why) in [
        ("123,abc", "item 2 is not a number"),
        ("123,,456", "item 2 is empty"),
        ("5550001;5550002", "item 1 is not a number"),
        ("-5550001", "item 1 is not a number"),
        ("0", "item 1 is not a Telegram user id"),
    ] {
        let out = rumbo()
            .arg("run")
            .env("TELOXIDE_TOKEN", "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef")
            // Nothing listens here: had it started, it could not have connected.
            .env("TELOXIDE_API_URL", "http://127.0.0.1:9")
            .env("RUMBO_ADMINS", bad)
            .output()
            .expect("rumbo runs");
        assert_status(&out, 2);
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with("error: RUMBO_ADMINS must be Telegram user ids"),
            "{err}"
        );
        assert!(err.contains(why), "{bad:?}: {err}");
        assert!(!err.contains("5550001"), "an id is never echoed: {err}");
    }
}

/// A webhook secret Telegram would refuse stops the start with one line that does not echo
/// it (exit 2), instead of failing inside the webhook setup.
#[test]
fn run_with_a_malformed_webhook_secret_says_so_and_does_not_start() {
    for bad in ["", "has space", "ünïcode", &"x".repeat(257), "s3cret!"] {
        let out = rumbo()
            .args([
                "run",
                "--webhook-url",
                "https://bot.example/hook",
                "--listen",
                "127.0.0.1:9",
            ])
            .env("TELOXIDE_TOKEN", "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef")
            .env("TELOXIDE_API_URL", "http://127.0.0.1:9")
            .env("RUMBO_WEBHOOK_SECRET", bad)
            .output()
            .expect("rumbo runs");
        assert_status(&out, 2);
        let err = stderr(&out);
        assert_eq!(
            err,
            "error: RUMBO_WEBHOOK_SECRET must be 1 to 256 characters among A-Z, a-z, 0-9, _ and -\n"
        );
    }
}

/// Rules with errors: the diagnostics are printed and the bot does not start (exit 1).
#[test]
fn run_with_broken_rules_prints_the_diagnostics_and_does_not_start() {
    let out = rumbo()
        .args([
            "run",
            "--rules",
            "tests/fixtures/check/unknown_question/rules.yaml",
        ])
        .env("TELOXIDE_TOKEN", "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef")
        // Nothing listens here: had it started, it could not have connected.
        .env("TELOXIDE_API_URL", "http://127.0.0.1:9")
        .output()
        .expect("rumbo runs");
    assert_status(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("error: unknown question"), "{err}");
    assert!(err.contains("fix them first"), "{err}");
}
