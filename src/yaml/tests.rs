//! Tests: exact positions for every error kind, the deserializer's YAML 1.2 reading, a realistic
//! rules struct, hostile inputs (huge, deep, alias bombs), and random input that must not panic.

use std::collections::BTreeMap;
use std::time::Instant;

use serde::Deserialize;

use super::*;

fn limits() -> Limits {
    Limits::default()
}

fn doc(text: &str) -> Document {
    match parse(text, &limits()) {
        Ok(d) => d,
        Err(e) => panic!("unexpected errors for {text:?}: {e:#?}"),
    }
}

fn errors(text: &str) -> Vec<YamlError> {
    match parse(text, &limits()) {
        Ok(_) => panic!("expected errors for {text:?}"),
        Err(e) => e,
    }
}

/// The only error for `text`.
fn error(text: &str) -> YamlError {
    let mut e = errors(text);
    assert_eq!(e.len(), 1, "expected one error for {text:?}: {e:#?}");
    e.remove(0)
}

fn de<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    let d = doc(text);
    from_node(&d, d.root())
}

fn de_err<T: serde::de::DeserializeOwned + std::fmt::Debug>(text: &str) -> YamlError {
    match de::<T>(text) {
        Ok(v) => panic!("expected an error for {text:?}, got {v:?}"),
        Err(e) => e,
    }
}

fn p(line: u32, col: u32) -> Pos {
    Pos::new(line, col)
}

fn span(l1: u32, c1: u32, l2: u32, c2: u32) -> Span {
    Span {
        start: p(l1, c1),
        end: p(l2, c2),
    }
}

// ---------------------------------------------------------------------------------------------
// The tree

#[test]
fn tree_has_spans_styles_and_lookup() {
    let d = doc("a: 1\nñandú: [x, {y: 'z'}]\nb:\n  - |\n    lit\n  - \"q\"\n");
    let root = d.root();
    assert_eq!(d.node(root).span, span(1, 1, 6, 8));
    let a = d.get(root, "a").unwrap();
    assert_eq!(d.node(a).span, span(1, 4, 1, 5));
    assert_eq!(d.text(a), Some("1"));
    // Columns count characters: `[` is the 8th character of line 2.
    let flow = d.get(root, "ñandú").unwrap();
    assert_eq!(d.node(flow).span, span(2, 8, 2, 21));
    let NodeKind::Seq(items) = &d.node(flow).kind else {
        panic!("not a seq")
    };
    assert_eq!(d.node(items[1]).span, span(2, 12, 2, 20));
    let z = d.get(items[1], "y").unwrap();
    assert_eq!(
        d.node(z).kind,
        NodeKind::Scalar {
            text: "z".into(),
            style: ScalarStyle::Quoted
        }
    );
    let b = d.get(root, "b").unwrap();
    let NodeKind::Seq(items) = &d.node(b).kind else {
        panic!("not a seq")
    };
    assert_eq!(
        d.node(items[0]).kind,
        NodeKind::Scalar {
            text: "lit\n".into(),
            style: ScalarStyle::Block
        }
    );
    // A block collection ends at its last child, not at the next line.
    assert_eq!(d.node(b).span, span(4, 3, 6, 8));
    assert_eq!(d.get(root, "missing"), None);
    assert_eq!(d.get(a, "a"), None);
    assert_eq!(d.len(), 13);
    assert!(!d.is_empty());
}

#[test]
fn empty_files_are_an_empty_plain_scalar() {
    for text in ["", "# only a comment\n", "---\n", "\n\n", "---\n...\n"] {
        let d = doc(text);
        assert_eq!(
            d.node(d.root()).kind,
            NodeKind::Scalar {
                text: String::new(),
                style: ScalarStyle::Plain
            },
            "{text:?}"
        );
    }
    assert_eq!(doc("").node(doc("").root()).span, span(1, 1, 1, 1));
}

#[test]
fn crlf_and_bom_do_not_shift_positions() {
    let d = parse_bytes("\u{feff}a: 1\r\nb: é2\r\n".as_bytes(), &limits()).unwrap();
    let b = d.get(d.root(), "b").unwrap();
    assert_eq!(d.node(b).span, span(2, 4, 2, 6));
    let e = parse_bytes("\u{feff}a: 1\r\na: 2\r\n".as_bytes(), &limits()).unwrap_err();
    assert_eq!(e[0].pos, p(2, 1));
}

// ---------------------------------------------------------------------------------------------
// Parse errors, each at its exact place

#[test]
fn oversized_input_fails_fast_at_1_1() {
    let big = vec![b'a'; 50 * 1024 * 1024];
    let start = Instant::now();
    let e = parse_bytes(&big, &limits()).unwrap_err();
    let elapsed = start.elapsed();
    eprintln!("50 MiB input rejected in {elapsed:?}");
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].pos, p(1, 1));
    assert_eq!(
        e[0].message,
        "file is larger than 4194304 bytes, the limit for rules files"
    );
    // `parse` checks too, for callers that already have text.
    let text = "a".repeat(5 * 1024 * 1024);
    assert_eq!(parse(&text, &limits()).unwrap_err()[0].pos, p(1, 1));
}

#[test]
fn invalid_utf8_is_reported_at_the_first_bad_byte() {
    let e = parse_bytes(b"a: 1\nb: \xff\xfe\n", &limits()).unwrap_err();
    assert_eq!(
        e,
        vec![YamlError {
            pos: p(2, 4),
            message: "file is not valid UTF-8".into(),
            help: Some("save the file as UTF-8 text".into()),
        }]
    );
    // Columns count characters, so a multi-byte letter before it counts once.
    let mut bytes = "ñandú: ".as_bytes().to_vec();
    bytes.push(0xC3); // a truncated sequence
    assert_eq!(parse_bytes(&bytes, &limits()).unwrap_err()[0].pos, p(1, 8));
}

#[test]
fn syntax_errors_carry_saphyr_message_and_1_based_position() {
    let e = error("a: 1\nb: c: d\n");
    assert_eq!(e.pos, p(2, 5));
    assert_eq!(e.message, "mapping values are not allowed in this context");
    // saphyr notices an unclosed bracket at the end; we point at the bracket itself.
    let e = error("list: [a, b\n");
    assert_eq!(
        (e.pos, e.message.as_str()),
        (p(1, 7), "this `[` is never closed")
    );
    let e = error("a:\n  b: 1\n\t c: 2\n");
    assert_eq!(
        (e.pos, e.message.as_str()),
        (p(3, 1), "this line is indented with a tab")
    );
    let e = error("ñ: \"x\" y\n");
    assert_eq!(e.pos, p(1, 8));
    assert_eq!(
        e.message,
        "invalid trailing content after double-quoted scalar"
    );
}

#[test]
fn every_duplicate_key_is_reported_at_the_second_key() {
    let e = errors("a: 1\nb:\n  x: 1\n  x: 2\na: 3\nc: {k: 1, k: 2}\n\"a\": 4\n");
    let got: Vec<_> = e.iter().map(|e| (e.pos, e.message.as_str())).collect();
    assert_eq!(
        got,
        vec![
            (p(4, 3), "duplicate key `x`"),
            (p(5, 1), "duplicate key `a`"),
            (p(6, 11), "duplicate key `k`"),
            (p(7, 1), "duplicate key `a`"),
        ]
    );
    assert_eq!(
        e[0].help.as_deref(),
        Some("the first `x` is at line 3, column 3; a key may appear only once")
    );
    assert_eq!(
        e[1].help.as_deref(),
        Some("the first `a` is at line 1, column 1; a key may appear only once")
    );
    // The same key in different mappings is fine.
    doc("- a: 1\n- a: 2\n");
}

#[test]
fn anchors_and_aliases_are_rejected_where_they_are() {
    let e = errors("base: &b\n  x: 1\nother: *b\nlist:\n  - &s text\n");
    let got: Vec<_> = e.iter().map(|e| e.pos).collect();
    assert_eq!(got, vec![p(1, 7), p(3, 8), p(5, 5)]);
    for e in &e {
        assert_eq!(
            e.message,
            "anchors and aliases are not allowed in rules files"
        );
        assert_eq!(e.help.as_deref(), Some("write the value out in full"));
    }
}

#[test]
fn billion_laughs_fails_with_the_alias_error() {
    let mut text = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        let refs = vec![format!("*{}", w[0]); 9].join(",");
        text.push_str(&format!("{}: &{} [{refs}]\n", w[1], w[1]));
    }
    let e = errors(&text);
    assert_eq!(e[0].pos, p(1, 4));
    assert_eq!(
        e[0].message,
        "anchors and aliases are not allowed in rules files"
    );
    // 9 anchors and 72 aliases, each reported once: nothing is expanded.
    assert_eq!(e.len(), 81);
    assert!(
        e.iter()
            .all(|e| e.message == "anchors and aliases are not allowed in rules files")
    );
}

#[test]
fn the_error_list_is_bounded() {
    let text = "list:\n  - &a 1\n".to_string() + &"  - *a\n".repeat(10_000);
    let e = errors(&text);
    assert_eq!(e.len(), 101);
    assert_eq!(e[100].message, "too many errors; stopping after 100");
    assert_eq!(e[100].pos, p(102, 5));
}

#[test]
fn tags_are_rejected() {
    let e = errors("a: !x 1\nb: !!str 2\nc: !!map {}\n");
    let got: Vec<_> = e.iter().map(|e| (e.pos, e.message.as_str())).collect();
    assert_eq!(
        got,
        vec![
            (p(1, 4), "tags are not allowed in rules files"),
            (p(2, 4), "tags are not allowed in rules files"),
            (p(3, 4), "tags are not allowed in rules files"),
        ]
    );
}

#[test]
fn a_second_document_is_rejected_at_its_start() {
    let e = error("a: 1\n---\nb: 2\n");
    assert_eq!(e.pos, p(2, 1));
    assert_eq!(e.message, "a rules file holds one YAML document");
    assert_eq!(error("a: 1\n...\nb: 2\n").pos, p(3, 1));
    assert_eq!(error("---\na: 1\n--- b\n").pos, p(3, 1));
    // One explicit document is fine, and so is a `...` at the end.
    doc("---\na: 1\n...\n");
}

#[test]
fn keys_must_be_scalars() {
    let e = error("? [a, b]\n: 1\n");
    assert_eq!(e.pos, p(1, 3));
    assert_eq!(e.message, "a mapping key must be text, found a list");
    let e = error("{{x: 1}: 2}\n");
    assert_eq!(e.pos, p(1, 2));
    assert_eq!(e.message, "a mapping key must be text, found a mapping");
}

#[test]
fn depth_limit_boundary_is_exact() {
    let ok = "[".repeat(64) + &"]".repeat(64);
    doc(&ok);
    let deep = "[".repeat(65) + &"]".repeat(65);
    let e = error(&deep);
    assert_eq!(e.pos, p(1, 65));
    assert_eq!(e.message, "nesting is deeper than 64 levels");
    // Block levels count too.
    let mut block = String::new();
    for i in 0..65 {
        block.push_str(&" ".repeat(i));
        block.push_str("k:\n");
    }
    block.push_str(&" ".repeat(65));
    block.push_str("v\n");
    // 65 keys = 65 nested mappings: the 65th mapping starts at the 65th key.
    assert_eq!(error(&block).pos, p(65, 65));
}

/// 10,000 levels of each kind of nesting must fail with the depth error, fast, without
/// overflowing the stack.
#[test]
fn ten_thousand_levels_fail_with_an_error() {
    const N: usize = 10_000;
    let mut block_map = String::new();
    for i in 0..N {
        block_map.push_str(&" ".repeat(i));
        block_map.push_str("a:\n");
    }
    let cases: Vec<(&str, String, Pos)> = vec![
        ("flow seq", "[".repeat(N) + &"]".repeat(N), p(1, 65)),
        ("flow seq unclosed", "[".repeat(N), p(1, 65)),
        (
            "flow map",
            "{a: ".repeat(N) + "1" + &"}".repeat(N),
            p(1, 64 * 4 + 1),
        ),
        ("flow map unclosed", "{a: ".repeat(N), p(1, 64 * 4 + 1)),
        ("block seq", "- ".repeat(N) + "x\n", p(1, 64 * 2 + 1)),
        (
            "mixed",
            "a:\n  b: ".to_string() + &"[".repeat(N),
            p(2, 6 + 62),
        ),
        ("block map", block_map, p(65, 65)),
    ];
    for (name, text, pos) in cases {
        // The block map is 50 MB (quadratic indentation), so it needs a larger size limit.
        let limits = Limits {
            max_bytes: usize::MAX,
            ..Limits::default()
        };
        let start = Instant::now();
        let e = parse(&text, &limits).unwrap_err();
        let elapsed = start.elapsed();
        eprintln!(
            "{name}: {} bytes, 10,000 deep, rejected in {elapsed:?}",
            text.len()
        );
        assert_eq!(e.len(), 1, "{name}: {e:#?}");
        assert_eq!(e[0].message, "nesting is deeper than 64 levels", "{name}");
        assert_eq!(e[0].pos, pos, "{name}");
    }
}

#[test]
fn deep_flow_nesting_inside_a_document_keeps_earlier_errors() {
    let text = "a: 1\na: 2\nb: ".to_string() + &"[x, ".repeat(1000);
    let e = errors(&text);
    let got: Vec<_> = e.iter().map(|e| (e.pos, e.message.as_str())).collect();
    assert_eq!(
        got,
        vec![
            (p(2, 1), "duplicate key `a`"),
            (p(3, 4 + 63 * 4), "nesting is deeper than 64 levels"),
        ]
    );
    // Brackets inside quotes and comments are not nesting.
    let text = "a: \"".to_string() + &"[".repeat(300) + "\"\nb: " + &"[".repeat(300);
    // The root mapping is level 1, so the 64th bracket is level 65.
    assert_eq!(error(&text).pos, p(2, 4 + 63));
}

#[test]
fn node_limit_is_enforced() {
    let limits = Limits {
        max_nodes: 10,
        ..Limits::default()
    };
    // The list and 9 items = 10 nodes: fine.
    parse("[1, 2, 3, 4, 5, 6, 7, 8, 9]", &limits).unwrap();
    let e = parse("[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]", &limits).unwrap_err();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].pos, p(1, 29));
    assert_eq!(
        e[0].message,
        "file has more than 10 values; rules files are limited to that"
    );
}

#[test]
fn node_limit_inside_big_flow_collections_is_exact() {
    let limits = Limits {
        max_nodes: 10,
        ..Limits::default()
    };
    let list = format!(
        "[{}]",
        (1..=200)
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let e = parse(&list, &limits).unwrap_err();
    assert_eq!((e.len(), e[0].pos), (1, p(1, 29)));
    // The map and 5 pairs are 11 nodes: the error is at the 5th value.
    let map = "{a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8}";
    let e = parse(map, &limits).unwrap_err();
    assert_eq!((e.len(), e[0].pos), (1, p(1, 29)));
    assert_eq!(
        e[0].message,
        "file has more than 10 values; rules files are limited to that"
    );
}

#[test]
fn brackets_that_are_text_are_not_nesting() {
    let many = "[".repeat(300);
    let texts = [
        format!("a: \"{many}\"\nb: '{many}'\n"),
        format!("# {many}\na: 1 # {many}\n"),
        format!("a: x{many}\n"),
        // A block scalar whose lines start with brackets: the quick scan cannot tell, so the
        // file is read in full and accepted.
        format!("code: |\n{}  end\n", "  [\n".repeat(300)),
        format!("text: >\n  {many}\n  [{many}\n"),
        "links: [http://a.example/x, {k: \"v,[\"}]\n".to_string(),
    ];
    for text in &texts {
        let d = doc(text);
        assert!(d.len() >= 3, "{text}");
    }
}

#[test]
fn depth_limits_above_saphyr_flow_cap_still_error() {
    let limits = Limits {
        max_depth: 1000,
        ..Limits::default()
    };
    assert!(parse(&("[".repeat(255) + &"]".repeat(255)), &limits).is_ok());
    let e = parse(&"[".repeat(10_000), &limits).unwrap_err();
    assert_eq!(e.len(), 1);
    assert_eq!(
        (e[0].pos, e[0].message.as_str()),
        (p(1, 256), "nesting is deeper than 255 levels")
    );
}

#[test]
fn errors_convert_to_diagnostics() {
    let e = error("a: 1\na: 2\n");
    let d = e.into_diagnostic("rules/x.yaml");
    assert_eq!(
        d.to_string(),
        "rules/x.yaml:2:1: error: duplicate key `a`\n  help: the first `a` is at line 1, column 1; a key may appear only once"
    );
}

// ---------------------------------------------------------------------------------------------
// The deserializer

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Rules {
    version: u32,
    questions: Vec<Question>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Question {
    id: Spanned<String>,
    choices: Vec<Spanned<String>>,
    ask_if: Option<NodeRef>,
}

const RULES: &str = "\
version: 1
questions:
  - id: nationality
    choices: [syrian, afghan, \"other\"]
  - id: age
    choices:
      - child
      - adult
    ask_if:
      nationality: syrian
";

#[test]
fn realistic_rules_deserialize_with_exact_spans() {
    let d = doc(RULES);
    let rules: Rules = from_node(&d, d.root()).unwrap();
    assert_eq!(rules.version, 1);
    let q = &rules.questions;
    assert_eq!(*q[0].id, "nationality");
    assert_eq!(q[0].id.span, span(3, 9, 3, 20));
    assert_eq!(q[0].choices[2].value, "other");
    assert_eq!(q[0].choices[2].span, span(4, 31, 4, 38));
    assert_eq!(q[1].choices[1].span, span(8, 9, 8, 14));
    assert!(q[0].ask_if.is_none());
    let ask_if = q[1].ask_if.unwrap();
    assert_eq!(ask_if.span, span(10, 7, 10, 26));
    // The captured node is deserialized later, on its own.
    let cond: BTreeMap<String, Spanned<String>> = from_node(&d, ask_if.id).unwrap();
    assert_eq!(cond["nationality"].span, span(10, 20, 10, 26));
    assert_eq!(
        d.get(ask_if.id, "nationality"),
        Some(d.get(ask_if.id, "nationality").unwrap())
    );
}

#[test]
fn node_refs_let_a_caller_collect_every_error() {
    #[derive(Deserialize)]
    struct Loose {
        questions: Vec<NodeRef>,
    }
    let d = doc(
        "questions:\n  - id: a\n    choices: []\n  - id: b\n    choises: []\n  - id: [c]\n    choices: []\n",
    );
    let loose: Loose = from_node(&d, d.root()).unwrap();
    let errors: Vec<_> = loose
        .questions
        .iter()
        .filter_map(|q| from_node::<Question>(&d, q.id).err())
        .map(|e| (e.pos, e.message))
        .collect();
    assert_eq!(
        errors,
        vec![
            (p(5, 5), "unknown field `choises`".to_string()),
            (p(6, 9), "expected text, found a list".to_string()),
        ]
    );
}

#[test]
fn unknown_fields_point_at_the_key_with_a_suggestion_or_the_list() {
    let e = de_err::<Rules>("version: 1\nqestions: []\n");
    assert_eq!(e.pos, p(2, 1));
    assert_eq!(e.message, "unknown field `qestions`");
    assert_eq!(e.help.as_deref(), Some("did you mean `questions`?"));
    let e = de_err::<Rules>("version: 1\nquestions: []\nzzz: 1\n");
    assert_eq!(e.pos, p(3, 1));
    assert_eq!(
        e.help.as_deref(),
        Some("expected one of `version`, `questions`")
    );
}

#[test]
fn missing_fields_point_at_the_mapping() {
    let e = de_err::<Rules>("version: 1\nquestions:\n  - choices: []\n");
    assert_eq!(e.pos, p(3, 5));
    assert_eq!(e.message, "missing field `id`");
    let e = de_err::<Rules>("\n\nquestions: []\n");
    assert_eq!(e.pos, p(3, 1));
    assert_eq!(e.message, "missing field `version`");
}

#[test]
fn yaml_1_1_booleans_stay_text() {
    #[derive(Deserialize, Debug)]
    struct Answers {
        a: String,
        b: String,
        c: String,
        d: String,
        id: String,
        date: String,
    }
    let v: Answers = de("a: yes\nb: no\nc: on\nd: off\nid: 123\ndate: 2023-10-18\n").unwrap();
    assert_eq!(
        (v.a.as_str(), v.b.as_str(), v.c.as_str(), v.d.as_str()),
        ("yes", "no", "on", "off")
    );
    assert_eq!(v.id, "123");
    assert_eq!(v.date, "2023-10-18");
    // Untyped reading follows the core schema too.
    #[derive(Deserialize, Debug, PartialEq)]
    #[serde(untagged)]
    enum Any {
        Null(()),
        Bool(bool),
        U(u64),
        I(i64),
        F(f64),
        S(String),
        L(Vec<Any>),
    }
    let v: Vec<Any> = de(
        "[yes, no, on, true, FALSE, ~, null, 12, -3, 0x1F, 0o17, 1.5, 1e3, .inf, '7', 2023-10-18]",
    )
    .unwrap();
    use Any::*;
    assert_eq!(
        v,
        vec![
            S("yes".into()),
            S("no".into()),
            S("on".into()),
            Bool(true),
            Bool(false),
            Null(()),
            Null(()),
            U(12),
            I(-3),
            U(31),
            U(15),
            F(1.5),
            F(1000.0),
            F(f64::INFINITY),
            S("7".into()),
            S("2023-10-18".into()),
        ]
    );
}

#[test]
fn booleans_are_only_true_and_false() {
    #[derive(Deserialize, Debug)]
    struct Flag {
        #[allow(dead_code)]
        on: bool,
    }
    let v: Flag = de("on: True\n").unwrap();
    assert!(v.on);
    let e = de_err::<Flag>("on: yes\n");
    assert_eq!(e.pos, p(1, 5));
    assert_eq!(e.message, "expected `true` or `false`, found `yes`");
    assert_eq!(
        e.help.as_deref(),
        Some("in rules files `yes` and `no` are plain text; write true or false")
    );
    let e = de_err::<Flag>("on: \"true\"\n");
    assert_eq!(e.message, "expected `true` or `false`, found `\"true\"`");
    assert_eq!(
        e.help.as_deref(),
        Some("remove the quotes: quoted values are always text")
    );
}

#[test]
fn numbers_parse_with_range_errors() {
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct N {
        small: u8,
        big: i64,
        ratio: f64,
    }
    let v: N = de("small: 0x10\nbig: -9000000000\nratio: 7\n").unwrap();
    assert_eq!((v.small, v.big, v.ratio), (16, -9_000_000_000, 7.0));
    let e = de_err::<N>("small: 300\nbig: 1\nratio: 1\n");
    assert_eq!(
        (e.pos, e.message.as_str()),
        (p(1, 8), "`300` is too large for this field")
    );
    assert_eq!(e.help.as_deref(), Some("use a whole number from 0 to 255"));
    let e = de_err::<N>("small: -1\nbig: 1\nratio: 1\n");
    assert_eq!(e.message, "`-1` is too small for this field");
    let e = de_err::<N>("small: 1\nbig: 99999999999999999999999999999999999999999\nratio: 1\n");
    assert_eq!(
        (e.pos, e.message.as_str()),
        (
            p(2, 6),
            "`9999999999999999999999999999999999999999…` is too large for this field"
        )
    );
    let e = de_err::<N>("small: 1.5\nbig: 1\nratio: 1\n");
    assert_eq!(e.message, "expected a whole number, found `1.5`");
    let e = de_err::<N>("small: '12'\nbig: 1\nratio: 1\n");
    assert_eq!(e.message, "expected a whole number, found `\"12\"`");
    assert_eq!(
        e.help.as_deref(),
        Some("remove the quotes: quoted values are always text")
    );
    let e = de_err::<N>("small: 1\nbig: 1\nratio: lots\n");
    assert_eq!(
        (e.pos, e.message.as_str()),
        (p(3, 8), "expected a number, found `lots`")
    );
    let e = de_err::<N>("small: [1]\nbig: 1\nratio: 1\n");
    assert_eq!(e.message, "expected a whole number, found a list");
}

#[test]
fn text_fields_take_any_scalar_but_not_collections() {
    let v: Vec<String> = de("[123, yes, ~, '', 1.5]").unwrap();
    assert_eq!(v, ["123", "yes", "~", "", "1.5"]);
    let e = de_err::<Vec<String>>("- a\n- [b]\n- {c: d}\n");
    assert_eq!(
        (e.pos, e.message.as_str()),
        (p(2, 3), "expected text, found a list")
    );
    let e = de_err::<Vec<String>>("- a\n- {c: d}\n");
    assert_eq!(e.message, "expected text, found a mapping");
    let e = de_err::<Vec<String>>("name: x\n");
    assert_eq!(
        (e.pos, e.message.as_str()),
        (p(1, 1), "expected a list, found a mapping")
    );
    let c: Vec<char> = de("[a, ñ]").unwrap();
    assert_eq!(c, ['a', 'ñ']);
}

#[test]
fn options_and_units() {
    #[derive(Deserialize, Debug, PartialEq)]
    struct O {
        a: Option<u32>,
        b: Option<String>,
        c: Option<String>,
        d: Option<String>,
        #[serde(default)]
        e: Option<String>,
        u: (),
    }
    let v: O = de("a: ~\nb:\nc: 'null'\nd: x\nu: null\n").unwrap();
    assert_eq!(
        v,
        O {
            a: None,
            b: None,
            c: Some("null".into()),
            d: Some("x".into()),
            e: None,
            u: ()
        }
    );
    let e = de_err::<O>("a: 1\nb:\nc:\nd:\nu: x\n");
    assert_eq!(
        (e.pos, e.message.as_str()),
        (
            p(5, 4),
            "expected nothing (an empty value or `null`), found `x`"
        )
    );
}

#[test]
fn enums_are_externally_tagged() {
    #[derive(Deserialize, Debug, PartialEq)]
    #[serde(rename_all = "snake_case")]
    enum Step {
        Stop,
        Goto(String),
        Range(u32, u32),
        Ask { question: String },
    }
    let v: Vec<Step> =
        de("- stop\n- goto: end\n- range: [1, 2]\n- ask:\n    question: q1\n- {stop: }\n").unwrap();
    assert_eq!(
        v,
        vec![
            Step::Stop,
            Step::Goto("end".into()),
            Step::Range(1, 2),
            Step::Ask {
                question: "q1".into()
            },
            Step::Stop,
        ]
    );
    let e = de_err::<Vec<Step>>("- stop\n- stpo\n");
    assert_eq!(
        (e.pos, e.message.as_str()),
        (p(2, 3), "unknown variant `stpo`")
    );
    assert_eq!(e.help.as_deref(), Some("did you mean `stop`?"));
    let e = de_err::<Vec<Step>>("- jump: x\n");
    assert_eq!(e.pos, p(1, 3));
    assert_eq!(
        e.help.as_deref(),
        Some("expected one of `stop`, `goto`, `range`, `ask`")
    );
    let e = de_err::<Vec<Step>>("- goto\n");
    assert_eq!(
        (e.pos, e.message.as_str()),
        (p(1, 3), "`goto` needs details")
    );
    let e = de_err::<Vec<Step>>("- stop: now\n");
    assert_eq!(
        (e.pos, e.message.as_str()),
        (p(1, 9), "`stop` takes no details")
    );
    let e = de_err::<Vec<Step>>("- goto: a\n  stop:\n");
    assert_eq!(
        (e.pos, e.message.as_str()),
        (
            p(1, 3),
            "expected one `name: value` pair here, found 2 keys"
        )
    );
    let e = de_err::<Vec<Step>>("- range: [1, x]\n");
    assert_eq!(
        (e.pos, e.message.as_str()),
        (p(1, 14), "expected a whole number, found `x`")
    );
}

#[test]
fn tuples_report_extra_and_missing_items() {
    let e = de_err::<(u8, u8)>("[1, 2, 3]");
    assert_eq!(
        (e.pos, e.message.as_str()),
        (p(1, 8), "expected 2 items, found 3")
    );
    let e = de_err::<(u8, u8)>("[1]");
    assert_eq!(
        (e.pos, e.message.as_str()),
        (p(1, 1), "expected a tuple of size 2, found 1 items")
    );
    let v: [u8; 3] = de("[1, 2, 3]").unwrap();
    assert_eq!(v, [1, 2, 3]);
}

/// A user type with its own parser: its `custom` error must land on its node.
#[derive(Debug)]
struct Date(#[allow(dead_code)] String);

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if s.len() == 10 && s.as_bytes()[4] == b'-' {
            Ok(Date(s))
        } else {
            Err(serde::de::Error::custom(format!(
                "`{s}` is not a date like 2024-01-31"
            )))
        }
    }
}

#[test]
fn custom_errors_get_the_position_of_their_node() {
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Deadline {
        name: String,
        dates: Vec<Date>,
    }
    let e = de_err::<Deadline>("name: x\ndates:\n  - 2024-01-31\n  - soon\n");
    assert_eq!(
        (e.pos, e.message.as_str()),
        (p(4, 5), "`soon` is not a date like 2024-01-31")
    );
    // An error from a deeper node keeps the deeper position through every level.
    let e =
        de_err::<BTreeMap<String, Vec<Vec<Date>>>>("a:\n  - [2024-01-01]\n  - [2024-01-02, x]\n");
    assert_eq!(e.pos, p(3, 18));
}

#[test]
fn spanned_works_for_maps_keys_and_nested_values() {
    let m: BTreeMap<Spanned<String>, Spanned<u32>> = de("a: 1\nbb: 22\n").unwrap();
    let (k, v) = m.iter().nth(1).unwrap();
    assert_eq!((k.span, v.span), (span(2, 1, 2, 3), span(2, 5, 2, 7)));
    assert_eq!(**v, 22);
    let nested: Spanned<Vec<Spanned<String>>> = de("[x, y]").unwrap();
    assert_eq!(nested.span, span(1, 1, 1, 7));
    assert_eq!(nested[1].span, span(1, 5, 1, 6));
    // Equality and hashing ignore the span.
    assert_eq!(
        Spanned::new(span(1, 1, 1, 2), 5),
        Spanned::new(Span::default(), 5)
    );
    // Errors inside a Spanned value keep their place.
    let e = de_err::<Spanned<Vec<u8>>>("[1, 999]");
    assert_eq!(e.pos, p(1, 5));
}

#[test]
fn spanned_and_node_ref_with_other_deserializers() {
    use serde::de::IntoDeserializer;
    use serde::de::value::Error as ValueError;
    let s: Spanned<String> =
        Spanned::deserialize(IntoDeserializer::<ValueError>::into_deserializer("hi")).unwrap();
    assert_eq!((s.value.as_str(), s.span), ("hi", Span::default()));
    let n: Spanned<u16> =
        Spanned::deserialize(IntoDeserializer::<ValueError>::into_deserializer(7u32)).unwrap();
    assert_eq!(n.value, 7);
    assert!(NodeRef::deserialize(IntoDeserializer::<ValueError>::into_deserializer("x")).is_err());
}

#[test]
fn from_node_rejects_foreign_ids() {
    let d = doc("a: 1\n");
    let e = from_node::<String>(&d, NodeId(99)).unwrap_err();
    assert_eq!(e.pos, p(1, 1));
}

#[test]
fn ignored_and_borrowed_values() {
    #[derive(Deserialize)]
    struct Skip {
        #[allow(dead_code)]
        keep: u8,
    }
    // Unknown fields without deny_unknown_fields are skipped, whatever they hold.
    let v: Skip = de("keep: 1\nother: {deep: [x, {y: z}]}\n").unwrap();
    assert_eq!(v.keep, 1);
}

// ---------------------------------------------------------------------------------------------
// Random input must never panic

mod fuzz {
    use proptest::prelude::*;

    use super::super::*;
    use super::Rules;

    /// Parses and, if that worked, deserializes into several shapes; only panics matter here.
    fn exercise(bytes: &[u8]) {
        let limits = Limits {
            max_depth: 16,
            max_nodes: 2_000,
            ..Limits::default()
        };
        if let Ok(doc) = parse_bytes(bytes, &limits) {
            let root = doc.root();
            let _ = from_node::<Rules>(&doc, root);
            let _ = from_node::<serde::de::IgnoredAny>(&doc, root);
            let _ = from_node::<Vec<Spanned<String>>>(&doc, root);
            let _ = from_node::<std::collections::BTreeMap<String, Option<NodeRef>>>(&doc, root);
            let _ = from_node::<(bool, i8, f32, char, ())>(&doc, root);
            for i in 0..doc.len() {
                let _ = from_node::<Vec<u64>>(&doc, NodeId(i as u32));
                let _ = doc.get(NodeId(i as u32), "id");
            }
        }
    }

    const TOKENS: &[&str] = &[
        "a",
        "id",
        "questions",
        "choices",
        ":",
        ": ",
        "- ",
        "-",
        "? ",
        "?",
        "[",
        "]",
        "{",
        "}",
        ",",
        "\n",
        "\n  ",
        "\n    ",
        " ",
        "\t",
        "#c",
        "'",
        "\"",
        "\\",
        "&a ",
        "*a",
        "!t ",
        "!!str ",
        "|",
        ">",
        "|-\n  x",
        "---",
        "...",
        "%YAML 1.2\n",
        "yes",
        "~",
        "null",
        "1",
        "-1",
        "0x1F",
        "1.5",
        ".inf",
        "é",
        "\u{feff}",
        "\r\n",
        "\0",
        "@",
        "`",
        "%",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            exercise(&bytes);
        }

        #[test]
        fn token_soup_never_panics(picks in proptest::collection::vec(0..TOKENS.len(), 0..80)) {
            let text: String = picks.iter().map(|&i| TOKENS[i]).collect();
            exercise(text.as_bytes());
        }
    }
}
