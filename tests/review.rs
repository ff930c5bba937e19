//! The review commands (`rumbo paths`, `rumbo diff`, `rumbo graph`) on fixtures, exact; the
//! merge's correctness over generated rules; and the "done when" checks of the shipped rules.

mod common;

use std::path::Path;
use std::process::Output;

use proptest::prelude::*;

use common::{assert_text, rumbo};
use rumbo::check::{self, RuleSet};
use rumbo::date::Date;
use rumbo::files;
use rumbo::generate;
use rumbo::review::{self, diff, paths};

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn day(s: &str) -> Date {
    s.parse().unwrap()
}

fn load_file(rules: &Path, locales: Option<&Path>) -> RuleSet {
    let input = files::read(rules, locales).expect("readable");
    check::load(&input, day("2026-11-28"))
        .rule_set
        .expect("clean rules")
}

/// The example with CBP One's closing day moved from 20 to 21 January 2025.
fn example_moved(tmp: &Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string("rules/example/example.yaml").unwrap();
    let moved = text.replace("closes: 2025-01-20", "closes: 2025-01-21");
    assert_ne!(text, moved);
    let path = tmp.join("example.yaml");
    std::fs::write(&path, moved).unwrap();
    path
}

#[test]
fn paths_of_the_example() {
    let output = rumbo()
        .args([
            "paths",
            "--rules",
            "rules/example/example.yaml",
            "--as-of",
            "2023-11-01",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_text(
        "paths of the example",
        r#"
As of 2023-11-01: 12 rows for 65 answer paths. `—` not asked; `any` asked, every answer the same.
#   paths  age    location       mexico_region                nationality           arrived_by_cutoff  host_status                  result
1   6      adult  colombia       —                            cuba|haiti|venezuela  yes                regular|regularizing         smo_colombia: open
2   6      adult  colombia       —                            cuba|haiti|venezuela  yes|unsure         none                         no_pathway_found: open
3   3      adult  colombia       —                            cuba|haiti|venezuela  yes                unsure                       smo_colombia: maybe
4   12     adult  colombia       —                            cuba|haiti|venezuela  no                 any                          no_pathway_found: open
5   9      adult  colombia       —                            cuba|haiti|venezuela  unsure             regular|regularizing|unsure  smo_colombia: maybe
6   2      adult  colombia       —                            colombia|other        —                  —                            no_pathway_found: open
7   5      adult  mexico         north_or_central             any                   —                  —                            cbp_one: open
8   10     adult  mexico         chiapas_tabasco|other_south  any                   —                  —                            no_pathway_found: open
9   5      adult  mexico         unsure                       any                   —                  —                            cbp_one: maybe
10  1      adult  united_states  —                            —                     —                  —                            in_united_states: open
11  5      adult  other          —                            any                   —                  —                            no_pathway_found: open
12  1      minor  —              —                            —                     —                  —                            minor_referral: open
"#,
        &stdout(&output),
    );
}

#[test]
fn graph_of_the_example() {
    let output = rumbo()
        .args([
            "graph",
            "--rules",
            "rules/example/example.yaml",
            "--lang",
            "en",
            "--as-of",
            "2023-11-01",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_text(
        "graph of the example",
        r#"
flowchart TD
  start(("example 2023-11-01"))
  start --> q0
  q0["<b>Age</b><br/>18 or older · Under 18"]
  q1["<b>Country now</b><br/>Colombia · Mexico · United States · Another cou…"]
  q2["<b>Region of Mexico</b><br/>Mexico City or further north · Chiapas or Tabas…"]
  q3["<b>Nationality</b><br/>Cuban · Haitian · Venezuelan · Colombian · Anot…"]
  q4["<b>In Colombia by the date</b><br/>Yes · No, I came later · I don't know"]
  q5["<b>Status in Colombia</b><br/>Regular status (e.g. PPT) · Regularization in p…"]
  q0 --> q1
  q1 -.->|"if Country now: Mexico"| q2
  q2 --> q3
  q3 -.->|"if Country now: Colombia and Nationality: Cuban or Haitian…"| q4
  q4 -.->|"if Country now: Colombia and Nationality: Cuban or Haitian…"| q5
  o0(["You are under 18 ■<br/><i>open</i>"]):::open
  q0 ==>|"Age: Under 18"| o0
  o1(["You are in the United States ■<br/><i>open</i>"]):::open
  q1 ==>|"Country now: United States"| o1
  o2(["Safe Mobility Office in Colombia<br/><i>open</i>"]):::open
  q5 ==>|"Country now: Colombia and Nationality: Cuban or Haitian or…"| o2
  o3(["CBP One appointment at the U.S. border<br/><i>open</i>"]):::open
  q2 ==>|"Country now: Mexico and (Region of Mexico: Mexico City or f…"| o3
  o4(["No open pathway found for your answers<br/><i>open</i>"]):::fallback
  q5 ==>|"nothing else open or maybe"| o4
  classDef open fill:#d9f2d9,stroke:#2e7d32
  classDef upcoming fill:#dbe8ff,stroke:#1e4fa3
  classDef closed fill:#e6e6e6,stroke:#777,color:#555
  classDef fallback fill:#fff4cc,stroke:#a67c00
"#,
        &stdout(&output),
    );
}

#[test]
fn diff_of_a_moved_closing_day_and_the_ci_gate() {
    let tmp = tempfile::tempdir().unwrap();
    let moved = example_moved(tmp.path());
    let run = |extra: &[&str]| {
        rumbo()
            .args(["diff", "rules/example/example.yaml"])
            .arg(&moved)
            .args(["--locales", "rules/example/locales"])
            .args(extra)
            .output()
            .unwrap()
    };
    let output = run(&[]);
    assert_eq!(output.status.code(), Some(0));
    assert_text(
        "diff of the example",
        r#"
Results on 2025-01-20: 2 rows, 15 of 65 answer paths changed. `—` not asked; `any` asked, every answer the same.
paths  age    location  mexico_region                     nationality  change
10     adult  mexico    north_or_central|chiapas_tabasco  any          cbp_one: closed → open; -no_pathway_found: open
5      adult  mexico    unsure                            any          cbp_one: closed → maybe; -no_pathway_found: open

Messages: no change.
"#,
        &stdout(&output),
    );
    assert_eq!(run(&["--fail-on-change"]).status.code(), Some(1));
    // On another day nothing differs, and the gate passes.
    let same = run(&["--as-of", "2025-01-19", "--fail-on-change"]);
    assert_eq!(same.status.code(), Some(0));
    assert!(stdout(&same).starts_with("Results: no answer combination gets a different result."));
}

#[test]
fn diff_of_one_file_on_two_dates() {
    let output = rumbo()
        .args([
            "diff",
            "rules/example/example.yaml",
            "--as-of",
            "2025-01-19",
            "--to-date",
            "2025-01-20",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let rows = json["periods"][0]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{json:#}");
    for row in rows {
        assert_eq!(row["answers"]["location"], serde_json::json!(["mexico"]));
        assert_eq!(row["new"][0]["outcome"], "cbp_one");
        assert_eq!(row["new"][0]["status"], "closed");
    }
}

#[test]
fn usage_errors_are_status_2() {
    let no_second = rumbo()
        .args(["diff", "rules/example/example.yaml"])
        .output()
        .unwrap();
    assert_eq!(no_second.status.code(), Some(2));
    let missing = rumbo()
        .args(["paths", "--rules", "no/such.yaml"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    let over = rumbo()
        .args(["paths", "--as-of", "2023-11-01", "--max-paths", "100"])
        .output()
        .unwrap();
    assert_eq!(over.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&over.stderr).contains("more than 100 answer paths"));
}

/// Done when: moving one cutoff of the shipped rules by a day changes exactly the answers that
/// reach that programme, on that day only.
#[test]
fn moving_a_shipped_cutoff_by_a_day_shows_exactly_the_affected_answers() {
    let shipped = load_file(Path::new("rules/safe-mobility.yaml"), None);
    let text = std::fs::read_to_string("rules/safe-mobility.yaml").unwrap();
    let moved_text = text.replace(
        "window: { opens: 2023-06-28, closes: 2025-01 }",
        "window: { opens: 2023-06-29, closes: 2025-01 }",
    );
    assert_ne!(text, moved_text);
    let tmp = tempfile::tempdir().unwrap();
    let moved_path = tmp.path().join("moved.yaml");
    std::fs::write(&moved_path, moved_text).unwrap();
    let moved = load_file(&moved_path, Some(Path::new("locales")));
    let old = &shipped.rules;
    let new = &moved.rules;
    for quiet in ["2023-06-27", "2023-06-29"] {
        let c = diff::compare(old, day(quiet), new, day(quiet), review::DEFAULT_BUDGET).unwrap();
        assert!(c.rows.is_empty(), "{quiet}");
    }
    let c = diff::compare(
        old,
        day("2023-06-28"),
        new,
        day("2023-06-28"),
        review::DEFAULT_BUDGET,
    )
    .unwrap();
    // Exactly the raw paths where the old file shows smo_colombia on that day.
    let mut expected = Vec::new();
    review::walk_each(
        old,
        day("2023-06-28"),
        review::DEFAULT_BUDGET,
        |answers, outcomes| {
            if outcomes.iter().any(|s| s.outcome == "smo_colombia") {
                expected.push(answers.to_vec());
            }
        },
    )
    .unwrap();
    let changed: u64 = c.rows.iter().map(|r| r.paths).sum();
    assert_eq!(changed as usize, expected.len());
    for answers in &expected {
        let holding: Vec<_> = c
            .rows
            .iter()
            .filter(|r| review::row_holds(r, answers))
            .collect();
        assert_eq!(holding.len(), 1, "{answers:?}");
        let (Some(before), Some(after)) = &holding[0].result else {
            panic!("both versions offer these answers")
        };
        let find = |o: &review::Outcomes| o.iter().find(|s| s.outcome == "smo_colombia").cloned();
        assert_ne!(
            find(before).unwrap().status,
            rumbo::engine::Status::Upcoming
        );
        assert_eq!(find(after).unwrap().status, rumbo::engine::Status::Upcoming);
    }
    let periods = diff::compare_all_dates(old, new, review::DEFAULT_BUDGET).unwrap();
    let changed: Vec<_> = periods
        .iter()
        .filter(|p| !p.changes.rows.is_empty())
        .collect();
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0].label, "on 2023-06-28");
}

/// Done when: `rumbo paths` of the shipped rules fits on a few screens (today), and the per
/// outcome view stays readable on the busiest day.
#[test]
fn paths_of_the_shipped_rules_are_short() {
    let shipped = load_file(Path::new("rules/safe-mobility.yaml"), None);
    let today = review::paths(&shipped.rules, day("2026-11-28"), review::DEFAULT_BUDGET).unwrap();
    assert!(today.rows.len() <= 60, "{} rows", today.rows.len());
    let raw = review::walk(&shipped.rules, day("2023-11-01"), review::DEFAULT_BUDGET).unwrap();
    assert_eq!(raw.rows.len(), 44_871);
    let tables = paths::by_outcome(&raw, &paths::outcome_columns(&shipped.rules));
    let rows: usize = tables.iter().map(|(_, t)| t.rows.len()).sum();
    assert!(rows <= 300, "{rows} rows");
}

/// Done when: the picture is Mermaid, every label quoted and closed.
#[test]
fn graph_of_the_shipped_rules_is_mermaid() {
    let shipped = load_file(Path::new("rules/safe-mobility.yaml"), None);
    for lang in ["es", "en"] {
        let mut out = Vec::new();
        review::graph::write(
            &shipped.rules,
            &shipped.locales,
            lang,
            day("2023-11-01"),
            review::graph::Format::Mermaid,
            &mut out,
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("flowchart TD\n"));
        for line in text.lines().skip(1) {
            assert!(line.starts_with("  "), "{line}");
            assert_eq!(line.matches('"').count() % 2, 0, "{line}");
        }
        let nodes = shipped.rules.questions.len() + shipped.rules.outcomes.len();
        assert!(text.lines().count() <= 2 * nodes + 10);
    }
}

/// A 500-question generated file: the picture stays linear in its size.
#[test]
fn graph_of_a_large_generated_file_is_bounded() {
    let set = check::load(&generate::rules(7, 500), generate::today())
        .rule_set
        .unwrap();
    let mut out = Vec::new();
    review::graph::write(
        &set.rules,
        &set.locales,
        "en",
        generate::today(),
        review::graph::Format::Mermaid,
        &mut out,
    )
    .unwrap();
    let lines = String::from_utf8(out).unwrap().lines().count();
    let nodes = set.rules.questions.len() + set.rules.outcomes.len();
    assert!(lines <= 2 * nodes + 10, "{lines} lines for {nodes} nodes");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Every raw path lies in exactly one merged row, and has that row's result; the per
    /// outcome tables hold for every raw path too; and the counts add up.
    #[test]
    fn merged_rows_hold_for_every_path_they_stand_for(
        seed in any::<u64>(),
        questions in 1usize..14,
        date in 0usize..14,
    ) {
        let set = check::load(&generate::rules(seed, questions), generate::today()).rule_set.unwrap();
        let rules = &set.rules;
        let as_of = generate::as_of_dates()[date];
        let Ok(raw) = review::walk(rules, as_of, 20_000) else { return Ok(()) };
        let merged = review::merge(raw.rows.clone());
        prop_assert!(merged.len() <= raw.rows.len());
        let total: u64 = merged.iter().map(|r| r.paths).sum();
        prop_assert_eq!(total as usize, raw.rows.len());
        for row in &merged {
            prop_assert_eq!(row.paths, review::combinations(&row.cells));
        }
        let per_outcome = paths::by_outcome(&raw, &paths::outcome_columns(rules));
        review::walk_each(rules, as_of, 20_000, |answers, outcomes| {
            let holding: Vec<_> = merged.iter().filter(|r| review::row_holds(r, answers)).collect();
            assert_eq!(holding.len(), 1, "{answers:?}");
            assert_eq!(&holding[0].result, &outcomes);
            for (id, table) in &per_outcome {
                let shown = outcomes.iter().find(|s| &s.outcome == id);
                let rows: Vec<_> = table.rows.iter().filter(|r| {
                    // A per-outcome row reads only its kept questions.
                    answers.iter().all(|&(q, c)| {
                        let cell = r.cells[usize::from(q)];
                        cell == review::NOT_ASKED && !kept(table, r, q) || cell & (1 << c) != 0
                    }) && r.cells.iter().enumerate().all(|(i, &cell)| {
                        cell == review::NOT_ASKED || answers.iter().any(|&(q, _)| usize::from(q) == i)
                    })
                }).collect();
                match shown {
                    None => assert!(rows.is_empty(), "{id} {answers:?}"),
                    Some(s) => {
                        assert_eq!(rows.len(), 1, "{id} {answers:?}");
                        assert_eq!(&rows[0].result[0], s);
                    }
                }
            }
        }).unwrap();
    }

    /// A file compared with itself on one date never differs; on two dates, a changed row's
    /// results are those of each date.
    #[test]
    fn diff_agrees_with_the_walks(
        seed in any::<u64>(),
        questions in 1usize..10,
        a in 0usize..14,
        b in 0usize..14,
    ) {
        let set = check::load(&generate::rules(seed, questions), generate::today()).rule_set.unwrap();
        let rules = &set.rules;
        let dates = generate::as_of_dates();
        let Ok(same) = diff::compare(rules, dates[a], rules, dates[a], 20_000) else { return Ok(()) };
        prop_assert!(same.rows.is_empty());
        let Ok(changes) = diff::compare(rules, dates[a], rules, dates[b], 20_000) else { return Ok(()) };
        let old = review::walk(rules, dates[a], 20_000).unwrap();
        let new = review::walk(rules, dates[b], 20_000).unwrap();
        for row in &changes.rows {
            let (Some(o), Some(n)) = &row.result else { panic!("same file") };
            // Some raw path of each date inside the row has that result.
            let overlaps = |r: &review::Row<review::Outcomes>| r.cells.iter().zip(&row.cells).all(|(&x, &y)| x == review::NOT_ASKED || y == review::NOT_ASKED || x & y != 0);
            prop_assert!(old.rows.iter().any(|r| overlaps(r) && &r.result == o));
            prop_assert!(new.rows.iter().any(|r| overlaps(r) && &r.result == n));
            prop_assert!(o != n);
        }
    }
}

/// Whether question `q` is one a per-outcome table keeps (some row constrains it).
fn kept(
    table: &review::Table<review::Outcomes>,
    _row: &review::Row<review::Outcomes>,
    q: rumbo::rules::QuestionIdx,
) -> bool {
    table
        .rows
        .iter()
        .any(|r| r.cells[usize::from(q)] != review::NOT_ASKED)
}

/// Coverage: the example's scenarios leave nothing uncovered; one case less shows the gap.
#[test]
fn coverage_of_the_example_scenarios() {
    let output = rumbo()
        .args([
            "test",
            "--coverage",
            "--rules",
            "rules/example/example.yaml",
            "rules/example/tests",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_text(
        "coverage of the example",
        r#"
27 passed, 0 failed
Coverage on 9 scenario dates:
  questions never asked: none
  reachable choices never chosen: none
  outcomes never shown: none
  reachable (outcome, status) pairs never seen: none
  `paths --by outcome` rows (on the scenario dates) no case falls in: 0 of 19
"#,
        &stdout(&output),
    );
    let partial = rumbo()
        .args([
            "test",
            "--coverage",
            "--rules",
            "rules/example/example.yaml",
            "rules/example/tests/example-2023.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(partial.status.code(), Some(1));
    assert!(
        stdout(&partial).contains("reachable choices never chosen (1): mexico_region=other_south")
    );
}

/// Coverage gates on rows too: scenarios that choose every choice but miss one `paths --by
/// outcome` row fail, and `--write-cases` writes a case for it (never over an existing file).
#[test]
fn coverage_gates_on_rows_and_writes_the_missing_cases() {
    let tmp = tempfile::tempdir().unwrap();
    // The example's 2023 scenarios, with the "arrived by the cutoff, unsure of the status" case
    // moved to an unsure arrival (another row), and a case for the last choice never chosen.
    let text = std::fs::read_to_string("rules/example/tests/example-2023.yaml").unwrap();
    let old = r#"answers: { age: adult, location: colombia, nationality: venezuela, arrived_by_cutoff: "yes", host_status: unsure }"#;
    assert!(text.contains(old));
    let text = text.replace(old, &old.replace(r#""yes""#, "unsure"))
        + r#"
  - name: Mexico south of the 19th parallel, outside Chiapas and Tabasco
    answers: { age: adult, location: mexico, mexico_region: other_south, nationality: other }
    expect:
      open: [no_pathway_found]
"#;
    let scenarios = tmp.path().join("gap.yaml");
    std::fs::write(&scenarios, text).unwrap();
    let rows = tmp.path().join("rows");
    let run = |extra: &[&std::ffi::OsStr]| {
        rumbo()
            .args([
                "test",
                "--coverage",
                "--rules",
                "rules/example/example.yaml",
            ])
            .arg(&scenarios)
            .args(extra)
            .output()
            .unwrap()
    };
    let write = |dir: &Path| run(&["--write-cases".as_ref(), dir.as_os_str()]);
    let gap = r#"
14 passed, 0 failed
Coverage on 1 scenario dates:
  questions never asked: none
  reachable choices never chosen: none
  outcomes never shown: none
  reachable (outcome, status) pairs never seen: none
  `paths --by outcome` rows (on the scenario dates) no case falls in: 1 of 12
    smo_colombia: age=adult location=colombia nationality=cuba|haiti|venezuela arrived_by_cutoff=yes host_status=unsure → maybe (on 1 dates from 2023-11-01)
"#;
    let output = run(&[]);
    assert_eq!(output.status.code(), Some(1));
    assert_text("a row uncovered", gap, &stdout(&output));

    let output = write(&rows);
    assert_eq!(output.status.code(), Some(1));
    assert_text(
        "the missing case written",
        &format!(
            "{}Wrote 1 case(s) in 1 file(s) to ROWS: check each against the sources, then run again.\n",
            gap.trim_start()
        ),
        &stdout(&output).replace(&rows.display().to_string(), "ROWS"),
    );
    assert_text(
        "the written scenario file",
        r#"
# Written by `rumbo test --coverage --write-cases`: for each `rumbo paths --by outcome` row
# that no other scenario case fell in, one answer path of the row as of 2023-11-01, and the
# result the engine gave for it. Such a case pins what the rules do; it does not show that
# they are right. Check its rows against the sources (for the shipped rules,
# tests/criteria.rs compares every answer path, on every date, with the research note).
as_of: 2023-11-01
cases:
  - name: "row: smo_colombia maybe where age=adult location=colombia nationality=cuba|haiti|venezuela arrived_by_cutoff=yes host_status=unsure"
    answers: { age: adult, location: colombia, nationality: cuba, arrived_by_cutoff: "yes", host_status: unsure }
    expect:
      maybe: [smo_colombia]
"#,
        &std::fs::read_to_string(rows.join("2023-11-01.yaml")).unwrap(),
    );

    // With the written case, nothing is uncovered.
    let output = run(&[rows.as_os_str()]);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stdout(&output).contains("no case falls in: 0 of 12\n"),
        "{}",
        stdout(&output)
    );

    // Writing again over the same folder is refused, and nothing is written.
    let output = write(&rows);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        format!(
            "error: {} exists; move it away or write to another folder (nothing was written)\n",
            rows.join("2023-11-01.yaml").display()
        )
    );
}
