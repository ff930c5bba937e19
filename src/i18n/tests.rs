use super::*;

use std::sync::atomic::{AtomicUsize, Ordering};

// ---------------------------------------------------------------- helpers

fn file(lang: &str, path: &str, text: &str) -> LocaleFile {
    LocaleFile {
        lang: lang.to_string(),
        path: PathBuf::from(path),
        text: text.to_string(),
    }
}

fn load(files: &[(&str, &str, &str)]) -> Locales {
    let files = files.iter().map(|(l, p, t)| file(l, p, t)).collect();
    match Locales::from_files(files) {
        Ok(locales) => locales,
        Err(diags) => panic!("fixture should load, got:\n{}", render(&diags)),
    }
}

/// The diagnostics of a fixture that must fail, one `Display` each.
fn errors(files: &[(&str, &str, &str)]) -> Vec<String> {
    let files = files.iter().map(|(l, p, t)| file(l, p, t)).collect();
    match Locales::from_files(files) {
        Ok(_) => panic!("fixture should not load"),
        Err(diags) => diags.iter().map(ToString::to_string).collect(),
    }
}

fn render(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

fn args(pairs: &[(&str, ArgValue)]) -> Args {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn date(y: i32, m: u8, d: u8) -> Date {
    Date::new(y, m, d).expect("valid test date")
}

fn vars(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// A scratch folder under the system temp dir, removed on drop (no tempfile dependency).
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("rumbo-i18n-test-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create parent");
        }
        std::fs::write(&path, text).expect("write fixture");
        path
    }

    fn mkdir(&self, rel: &str) -> PathBuf {
        let path = self.0.join(rel);
        std::fs::create_dir_all(&path).expect("create dir");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const EN: &str = "\
-brand = Rumbo
welcome = Hello, { $name }! I am { -brand }.
items = { $n ->
    [one] { $n } item
   *[other] { $n } items
}
deadline = Apply before { $date }.
q-age = How old are you?
    .help = Write your age in years, { $name }.
summary = { welcome } You have { items }.
";

const ES: &str = "\
-brand = Rumbo
welcome = ¡Hola, { $name }! Soy { -brand }.
items = { $n ->
    [one] { $n } elemento
   *[other] { $n } elementos
}
deadline = Solicítalo antes del { $date }.
q-age = ¿Qué edad tienes?
    .help = Escribe tu edad en años, { $name }.
summary = { welcome } Tienes { items }.
";

fn good() -> Locales {
    load(&[
        ("en", "locales/en/main.ftl", EN),
        ("es", "locales/es/main.ftl", ES),
    ])
}

// ---------------------------------------------------------------- loading

#[test]
fn loads_a_good_two_locale_fixture() {
    let l = good();
    assert_eq!(l.languages(), ["en", "es"]);
    assert_eq!(
        l.message_ids("es"),
        ["deadline", "items", "q-age", "summary", "welcome"],
        "terms are not messages"
    );
    assert!(l.message_ids("pt").is_empty());
    let info = l.message("es", "q-age").expect("q-age");
    assert_eq!(info.file, PathBuf::from("locales/es/main.ftl"));
    assert_eq!(info.pos, Pos::new(8, 1));
    assert!(info.has_value);
    assert!(info.variables.is_empty());
    assert_eq!(info.attributes["help"], vars(&["name"]));
    assert!(l.message("es", "nope").is_none());
    assert!(l.message("xx", "q-age").is_none());
    assert!(
        l.check_consistency().is_empty(),
        "{}",
        render(&l.check_consistency())
    );
}

#[test]
fn loads_a_directory_in_sorted_order_ignoring_non_locale_entries() {
    let dir = TempDir::new();
    dir.write("README.md", "not a locale");
    dir.write(".git/config", "hidden");
    dir.write("en/main.ftl", EN);
    dir.write("en/notes.txt", "not fluent");
    dir.write("en/.#main.ftl", "broken = { leftover");
    dir.write("es/b.ftl", "later = Después\n");
    dir.write("es/a.ftl", ES);
    let l = Locales::load_dir(&dir.0).unwrap_or_else(|d| panic!("{}", render(&d)));
    assert_eq!(l.languages(), ["en", "es"]);
    assert_eq!(
        l.message("es", "later").map(|m| m.file.clone()),
        Some(dir.0.join("es/b.ftl"))
    );
    assert_eq!(
        l.format("es", "later", &Args::new()).as_deref(),
        Ok("Después")
    );
}

#[test]
fn byte_order_mark_and_crlf_are_accepted() {
    let text = "\u{feff}a = Uno\r\nb = Dos { $x }\r\n";
    let l = load(&[("es", "es/a.ftl", text)]);
    assert_eq!(l.message("es", "b").map(|m| m.pos), Some(Pos::new(2, 1)));
    let out = l.format("es", "b", &args(&[("x", "y".into())]));
    assert_eq!(out.as_deref(), Ok("Dos y"));
}

// ---------------------------------------------------------------- load diagnostics

#[test]
fn parse_error_points_where_the_parser_stopped_and_at_the_open_brace() {
    let got = errors(&[(
        "es",
        "locales/es/main.ftl",
        "ok = Bien\nbroken = Hola { $name\nnext = Siguiente\n",
    )]);
    assert_eq!(
        got,
        [
            "locales/es/main.ftl:3:1: error: expected a token starting with `}`\n  help: the `{` at 2:15 is never closed"
        ]
    );
}

#[test]
fn all_parse_errors_of_all_files_come_at_once() {
    let got = errors(&[
        (
            "es",
            "locales/es/a.ftl",
            "a = { $n ->\n    [one] uno\n    [other] otros\n}\n  hidden = in the same junk\n",
        ),
        ("es", "locales/es/b.ftl", "  indented = no\n"),
        (
            "en",
            "locales/en/a.ftl",
            "ok = fine\nbad = x }\nnothing =\n",
        ),
    ]);
    assert_eq!(
        got,
        [
            "locales/en/a.ftl:2:9: error: unbalanced closing brace `}`\n  help: write a literal brace as `{ \"}\" }`",
            "locales/en/a.ftl:3:1: error: message `nothing` has no text\n  help: write the text after `=`, or give it attributes",
            "locales/es/a.ftl:4:1: error: the selection has no default variant\n  help: mark one variant with `*`, for example `*[other]`",
            "locales/es/b.ftl:1:1: error: expected a message name starting with a letter\n  help: names start at the beginning of a line; continuation lines are indented",
        ]
    );
}

#[test]
fn more_parse_error_kinds_are_short_and_lowercase() {
    let got = errors(&[(
        "es",
        "es/a.ftl",
        "one-line = { $n -> [one] a *[other] b }\nlit = { \"a\\q\" }\nfn = { lower() }\nnamed = { -t(x: $y) }\nnoeq\n",
    )]);
    assert_eq!(
        got,
        [
            "es/a.ftl:1:20: error: expected a line break\n  help: each variant of a `->` selection goes on its own line",
            "es/a.ftl:2:11: error: unknown escape sequence `\\q`\n  help: inside quotes only `\\\\`, `\\\"`, `\\uXXXX` and `\\UXXXXXX` work",
            "es/a.ftl:3:15: error: function names must be written in capitals\n  help: only `NUMBER(…)` is available",
            "es/a.ftl:4:17: error: expected a string or number literal\n  help: named arguments take only literals, such as `case: \"genitive\"`",
            "es/a.ftl:5:5: error: expected a token starting with `=`\n  help: a message is written `name = text`",
        ]
    );
}

#[test]
fn columns_count_characters_not_bytes() {
    let got = errors(&[("es", "es/a.ftl", "año = Ñandú }\n")]);
    assert_eq!(
        got,
        [
            "es/a.ftl:1:2: error: expected a token starting with `=`\n  help: a message is written `name = text`"
        ],
        "identifiers are ASCII: `año` ends at `ñ`"
    );
    let got = errors(&[("es", "es/a.ftl", "ano = Ñandú }\n")]);
    assert_eq!(
        got,
        [
            "es/a.ftl:1:13: error: unbalanced closing brace `}`\n  help: write a literal brace as `{ \"}\" }`"
        ]
    );
}

#[test]
fn duplicate_ids_across_files_are_reported_at_the_second() {
    let got = errors(&[
        ("es", "locales/es/a.ftl", "x = 1\ny = 2\ndup = Uno\n"),
        ("es", "locales/es/b.ftl", "z = 3\ndup = Dos\n"),
        ("en", "locales/en/a.ftl", "dup = One\n"),
    ]);
    assert_eq!(
        got,
        [
            "locales/es/b.ftl:2:1: error: message `dup` is defined twice\n  help: first defined at locales/es/a.ftl:3:1"
        ]
    );
}

#[test]
fn duplicates_within_one_file_terms_and_attributes() {
    let got = errors(&[(
        "es",
        "es/a.ftl",
        "-t = T\nm = M\n    .a = 1\n    .a = 2\n-t = U\nt = clash\n",
    )]);
    assert_eq!(
        got,
        [
            "es/a.ftl:4:6: error: attribute `.a` is defined twice\n  help: first defined at line 3",
            "es/a.ftl:5:1: error: term `-t` is defined twice\n  help: first defined at es/a.ftl:1:1",
            "es/a.ftl:6:1: error: message `t` has the same name as term `-t`\n  help: first defined at es/a.ftl:1:1",
        ]
    );
}

#[test]
fn references_are_checked_at_load() {
    let got = errors(&[(
        "es",
        "es/a.ftl",
        "\
-brand = Rumbo { $kind }
-plain = P
welcome = Hola
buttons =
    .ok = Vale
a = { welcom } { -brnd } { welcome.title } { buttons }
b = { -brand } { -brand(kind: \"x\") } { -plain.gender ->
       *[other] x
    }
c = { FOO($x) } { NUMBER(\"3\") }
",
    )]);
    assert_eq!(
        got,
        [
            "es/a.ftl:6:7: error: unknown message `welcom`\n  help: did you mean `welcome`?",
            "es/a.ftl:6:18: error: unknown term `-brnd`\n  help: did you mean `-brand`?",
            "es/a.ftl:6:28: error: message `welcome` has no attribute `.title`",
            "es/a.ftl:6:46: error: message `buttons` has no value, only attributes\n  help: refer to one of its attributes, e.g. `{ name.attr }`",
            "es/a.ftl:7:7: error: term `-brand` prints `$kind`, but this reference does not pass `kind`\n  help: pass it as `{ -brand(kind: \"…\") }`",
            "es/a.ftl:7:40: error: term `-plain` has no attribute `.gender`",
            "es/a.ftl:10:7: error: unknown function `FOO`\n  help: only `NUMBER` is available",
            "es/a.ftl:10:19: error: `NUMBER` needs a variable or a number as its first argument\n  help: write it as `NUMBER($count)`",
        ]
    );
}

#[test]
fn reference_cycles_are_reported_once_and_do_not_hang() {
    let got = errors(&[(
        "es",
        "es/a.ftl",
        "a = { b }\nb = x { c.t }\nc = C\n    .t = { a }\nself = { self }\n",
    )]);
    assert_eq!(
        got,
        [
            "es/a.ftl:4:12: error: messages refer to each other in a cycle: `a` → `b` → `c.t` → `a`\n  help: Fluent cannot format any message in the cycle",
            "es/a.ftl:5:10: error: messages refer to each other in a cycle: `self` → `self`\n  help: Fluent cannot format any message in the cycle",
        ]
    );
}

#[test]
fn language_codes_must_be_language_tags() {
    let got = errors(&[
        ("spanish", "locales/spanish/a.ftl", "a = A\n"),
        ("pt_BR", "locales/pt_BR/a.ftl", "a = A\n"),
        ("ES", "locales/ES/a.ftl", "a = A\n"),
        ("es", "locales/es/a.ftl", "a = A\n"),
    ]);
    assert_eq!(
        got,
        [
            "locales/ES/a.ftl:1:1: error: `ES` is not written as a language tag\n  help: rename it to `es`",
            "locales/pt_BR/a.ftl:1:1: error: `pt_BR` is not written as a language tag\n  help: rename it to `pt-BR`",
            "locales/spanish/a.ftl:1:1: error: `spanish` is not a language tag\n  help: name locale folders after a language, such as `es` or `en`",
        ]
    );
}

#[test]
fn folder_problems_are_all_reported_with_file_problems() {
    let dir = TempDir::new();
    dir.write("es/main.ftl", "dup = A\ndup = B\n");
    dir.write("en/main.ftl", "ok = fine\n");
    dir.write("README/x.ftl", "a = A\n");
    dir.mkdir("fr");
    dir.write("de/notes.txt", "no ftl here");
    dir.write("it/bad.ftl", b"ok = s\xC3\xAD\nbad = \xFF\n");
    dir.write("en/more/x.ftl", "x = X\n");
    let got = match Locales::load_dir(&dir.0) {
        Ok(_) => panic!("should fail"),
        Err(d) => d.iter().map(ToString::to_string).collect::<Vec<_>>(),
    };
    let root = dir.0.display();
    assert_eq!(
        got,
        [
            format!(
                "{root}/README:1:1: error: `README` is not a language tag\n  help: name locale folders after a language, such as `es` or `en`"
            ),
            format!(
                "{root}/de:1:1: error: locale `de` has no .ftl files\n  help: add its messages as `.ftl` files, or remove the folder"
            ),
            format!(
                "{root}/en/more:1:1: error: subfolders of a locale are not read\n  help: put the .ftl files directly in `en/`"
            ),
            format!(
                "{root}/es/main.ftl:2:1: error: message `dup` is defined twice\n  help: first defined at {root}/es/main.ftl:1:1"
            ),
            format!(
                "{root}/fr:1:1: error: locale `fr` has no .ftl files\n  help: add its messages as `.ftl` files, or remove the folder"
            ),
            format!(
                "{root}/it/bad.ftl:2:7: error: the file is not valid UTF-8 text\n  help: save it as UTF-8"
            ),
        ]
    );
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_reported() {
    let dir = TempDir::new();
    dir.write("es/a.ftl", "a = A\n");
    std::os::unix::fs::symlink(dir.0.join("nowhere.ftl"), dir.0.join("es/broken.ftl"))
        .expect("symlink");
    let diags = Locales::load_dir(&dir.0).expect_err("should fail");
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].file, dir.0.join("es/broken.ftl"));
    assert_eq!(diags[0].pos, Pos::new(1, 1));
    assert!(
        diags[0].message.starts_with("cannot read the file: "),
        "{}",
        diags[0]
    );
}

#[test]
fn a_missing_or_empty_locales_dir_is_an_error() {
    let dir = TempDir::new();
    let missing = dir.0.join("locales");
    let diags = Locales::load_dir(&missing).expect_err("missing");
    assert_eq!(diags.len(), 1);
    assert_eq!(
        (diags[0].file.clone(), diags[0].pos),
        (missing, Pos::new(1, 1))
    );
    assert!(
        diags[0]
            .message
            .starts_with("cannot read the locales folder: "),
        "{}",
        diags[0]
    );

    let empty = dir.mkdir("empty");
    dir.write("empty/README.md", "only docs");
    let diags = Locales::load_dir(&empty).expect_err("empty");
    assert_eq!(
        render(&diags),
        format!(
            "{}:1:1: error: the locales folder has no language folders\n  help: add one folder per language, e.g. `es/main.ftl` and `en/main.ftl`",
            empty.display()
        )
    );

    let diags = Locales::from_files(Vec::new()).expect_err("no files");
    assert_eq!(
        render(&diags),
        "locales:1:1: error: no locale files were given"
    );
}

// ---------------------------------------------------------------- variables

#[test]
fn variables_are_collected_through_selects_message_refs_and_term_args() {
    let l = load(&[(
        "es",
        "es/a.ftl",
        "\
-brand = { $case ->
   *[nom] Rumbo
    [gen] de Rumbo
}
base = { $a }
sel = { $s ->
    [x] { $in-x }
   *[other] { base } { -brand($t) } { -brand(case: \"gen\") } { NUMBER($k, minimumFractionDigits: 2) }
}
deep = { sel } { $own }
buttons =
    .label = { $lab } { base }
    .title = { sel }
via-attr = { buttons.label }
",
    )]);
    let info = |id: &str| l.message("es", id).expect(id).clone();
    assert_eq!(info("base").variables, vars(&["a"]));
    assert_eq!(info("sel").variables, vars(&["s", "in-x", "a", "t", "k"]));
    assert_eq!(
        info("deep").variables,
        vars(&["s", "in-x", "a", "t", "k", "own"])
    );
    let buttons = info("buttons");
    assert!(!buttons.has_value);
    assert!(buttons.variables.is_empty());
    assert_eq!(buttons.attributes["label"], vars(&["lab", "a"]));
    assert_eq!(
        buttons.attributes["title"],
        vars(&["s", "in-x", "a", "t", "k"])
    );
    assert_eq!(info("via-attr").variables, vars(&["lab", "a"]));
    assert_eq!(
        l.message_ids("es"),
        ["base", "buttons", "deep", "sel", "via-attr"]
    );
}

// ---------------------------------------------------------------- formatting

#[test]
fn formats_text_dates_and_message_references_without_isolation_marks() {
    let l = good();
    let a = args(&[("name", "Ana".into()), ("n", 1.into())]);
    let out = l.format("en", "summary", &a).expect("summary");
    assert_eq!(out, "Hello, Ana! I am Rumbo. You have 1 item.");
    assert!(!out.contains(['\u{2068}', '\u{2069}']));
    let out = l.format("es", "summary", &a).expect("resumen");
    assert_eq!(out, "¡Hola, Ana! Soy Rumbo. Tienes 1 elemento.");
    assert!(!out.contains(['\u{2068}', '\u{2069}']));

    let d = args(&[("date", date(2023, 10, 18).into())]);
    assert_eq!(
        l.format("es", "deadline", &d).as_deref(),
        Ok("Solicítalo antes del 18 de octubre de 2023.")
    );
    assert_eq!(
        l.format("en", "deadline", &d).as_deref(),
        Ok("Apply before 18 October 2023.")
    );
    let name = args(&[("name", "Ana".into())]);
    assert_eq!(
        l.format_attribute("es", "q-age", "help", &name).as_deref(),
        Ok("Escribe tu edad en años, Ana.")
    );
}

#[test]
fn plurals_follow_each_language() {
    let l = good();
    let n = |n: i64| args(&[("n", ArgValue::Number(n))]);
    let es: Vec<String> = [0, 1, 2, 1_000_000]
        .iter()
        .map(|&k| l.format("es", "items", &n(k)).expect("es"))
        .collect();
    assert_eq!(
        es,
        [
            "0 elementos",
            "1 elemento",
            "2 elementos",
            "1000000 elementos"
        ]
    );
    let en: Vec<String> = [0, 1, 2, -1]
        .iter()
        .map(|&k| l.format("en", "items", &n(k)).expect("en"))
        .collect();
    assert_eq!(en, ["0 items", "1 item", "2 items", "-1 item"]);
}

#[test]
fn missing_things_are_errors_never_blanks() {
    let l = good();
    let none = Args::new();
    assert_eq!(
        l.format("es", "nope", &none),
        Err(I18nError::MissingMessage {
            lang: "es".into(),
            id: "nope".into()
        })
    );
    assert_eq!(
        l.format("pt", "welcome", &none).map_err(|e| e.to_string()),
        Err("unknown language `pt` (asked for message `welcome`)".to_string())
    );
    let err = l.format("es", "welcome", &none).expect_err("no $name");
    assert_eq!(
        err,
        I18nError::Format {
            lang: "es".into(),
            id: "welcome".into(),
            attribute: None,
            problems: vec!["variable `$name` was not supplied".into()],
        }
    );
    assert_eq!(
        err.to_string(),
        "cannot format `welcome` in locale `es`: variable `$name` was not supplied"
    );
    // Through a message reference, and for variables only read in another variant.
    let err = l
        .format("en", "summary", &args(&[("name", "Ana".into())]))
        .expect_err("no $n");
    assert_eq!(
        err.to_string(),
        "cannot format `summary` in locale `en`: variable `$n` was not supplied"
    );
    assert_eq!(
        l.format_attribute("es", "q-age", "help", &none)
            .map_err(|e| e.to_string()),
        Err("cannot format `q-age.help` in locale `es`: variable `$name` was not supplied".into())
    );
    assert_eq!(
        l.format_attribute("es", "q-age", "title", &none),
        Err(I18nError::MissingAttribute {
            lang: "es".into(),
            id: "q-age".into(),
            attribute: "title".into()
        })
    );
}

#[test]
fn attribute_only_messages_and_number_arguments() {
    let l = load(&[(
        "en",
        "en/a.ftl",
        "buttons =\n    .ok = OK { NUMBER($n) }\nprice = { NUMBER($n, minimumFractionDigits: 2) } €\n",
    )]);
    assert_eq!(
        l.format("en", "buttons", &Args::new()),
        Err(I18nError::NoValue {
            lang: "en".into(),
            id: "buttons".into()
        })
    );
    let n = args(&[("n", 3.into())]);
    assert_eq!(l.format("en", "price", &n).as_deref(), Ok("3.00 €"));
    assert_eq!(
        l.format_attribute("en", "buttons", "ok", &n).as_deref(),
        Ok("OK 3")
    );
    // Fluent itself would print "NUMBER()" and report nothing.
    let text = args(&[("n", "3".into())]);
    assert_eq!(
        l.format("en", "price", &text).map_err(|e| e.to_string()),
        Err("cannot format `price` in locale `en`: variable `$n` must be a number (it goes to NUMBER)".into())
    );
    assert!(l.format_attribute("en", "buttons", "ok", &text).is_err());
}

#[test]
fn fluent_errors_are_described_in_plain_words() {
    use fluent::resolver::errors::{ReferenceKind, ResolverError};
    let variable = FluentError::ResolverError(ResolverError::Reference(ReferenceKind::Variable {
        id: "x".into(),
    }));
    assert_eq!(describe(&variable), "variable `$x` was not supplied");
    let cyclic = FluentError::ResolverError(ResolverError::Cyclic);
    assert_eq!(describe(&cyclic), "messages refer to each other in a cycle");
}

// ---------------------------------------------------------------- negotiation and dates

#[test]
fn negotiates_telegram_language_codes() {
    let l = good();
    let cases = [
        (Some("es-419"), "es"),
        (Some("es-MX"), "es"),
        (Some("es"), "es"),
        (Some("ES"), "es"),
        (Some("es_AR"), "es"),
        (Some("en-GB"), "en"),
        (Some("en"), "en"),
        (Some("pt-BR"), "es"),
        (Some(""), "es"),
        (Some("  "), "es"),
        (Some("x--y"), "es"),
        (None, "es"),
    ];
    for (requested, expected) in cases {
        assert_eq!(l.negotiate(requested, "es"), expected, "{requested:?}");
    }
    assert_eq!(l.negotiate(Some("pt-BR"), "en"), "en");
    // A default that is not present falls back to the first language.
    assert_eq!(l.negotiate(Some("pt-BR"), "fr"), "en");
    assert_eq!(l.negotiate(Some("es-419"), "fr"), "es");
}

#[test]
fn dates_in_words_for_every_month() {
    let es = [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ];
    let en = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    for (i, (es_month, en_month)) in es.iter().zip(en).enumerate() {
        let d = date(2024, i as u8 + 1, 1);
        assert_eq!(
            Locales::format_date("es", d),
            format!("1 de {es_month} de 2024")
        );
        assert_eq!(Locales::format_date("en", d), format!("1 {en_month} 2024"));
    }
    let d = date(2023, 10, 18);
    assert_eq!(Locales::format_date("es", d), "18 de octubre de 2023");
    assert_eq!(Locales::format_date("en", d), "18 October 2023");
    assert_eq!(Locales::format_date("es-MX", d), "18 de octubre de 2023");
    assert_eq!(Locales::format_date("fr", d), "2023-10-18");
    assert_eq!(Locales::format_date("", d), "2023-10-18");
}

// ---------------------------------------------------------------- consistency

#[test]
fn consistency_finds_missing_messages_attributes_and_different_variables() {
    let l = load(&[
        (
            "en",
            "locales/en/main.ftl",
            "\
hello = Hi
q-age = How old are you?
q-cutoff = Arrived before { $date }?
button = Go
    .help = Press it, { $name }
",
        ),
        (
            "es",
            "locales/es/main.ftl",
            "\
hello = Hola

q-cutoff = ¿Llegaste antes del { $cutoff }?
button = Ir
extra = Solo en español
",
        ),
    ]);
    assert_eq!(
        render(&l.check_consistency()),
        "\
locales/en/main.ftl:2:1: error: message `q-age` is missing from locale `es`
  help: add `q-age` to a file of locale `es`
locales/en/main.ftl:4:1: error: attribute `button.help` is missing from locale `es`
locales/es/main.ftl:3:1: error: message `q-cutoff` uses `$date` in `en` but `$cutoff` in `es`
locales/es/main.ftl:5:1: error: message `extra` is missing from locale `en`
  help: add `extra` to a file of locale `en`"
    );
}

#[test]
fn consistency_compares_variable_sets_of_attributes_and_empty_sets() {
    let l = load(&[
        ("en", "en/a.ftl", "m = { $a } { $b }\n    .t = x\n"),
        ("es", "es/a.ftl", "\n\nm = nada\n    .t = { $c }\n"),
    ]);
    assert_eq!(
        render(&l.check_consistency()),
        "\
es/a.ftl:3:1: error: message `m` uses `$a`, `$b` in `en` but no variables in `es`
es/a.ftl:3:1: error: attribute `m.t` uses no variables in `en` but `$c` in `es`"
    );
}

#[test]
fn consistency_walks_three_locales_whose_messages_interleave() {
    // Each message is in a different subset of the locales, so the side-by-side walk over
    // the sorted messages must take each id from exactly the locales that have it.
    let l = load(&[
        ("de", "de/a.ftl", "b = B\nd = D\n"),
        ("en", "en/a.ftl", "a = A\nb = B\nc = C\n"),
        ("es", "es/a.ftl", "c = C { $x }\nd = D\ne = E\n"),
    ]);
    assert_eq!(
        render(&l.check_consistency()),
        "\
de/a.ftl:1:1: error: message `b` is missing from locale `es`
  help: add `b` to a file of locale `es`
de/a.ftl:2:1: error: message `d` is missing from locale `en`
  help: add `d` to a file of locale `en`
en/a.ftl:1:1: error: message `a` is missing from locale `de`
  help: add `a` to a file of locale `de`
en/a.ftl:1:1: error: message `a` is missing from locale `es`
  help: add `a` to a file of locale `es`
en/a.ftl:3:1: error: message `c` is missing from locale `de`
  help: add `c` to a file of locale `de`
es/a.ftl:1:1: error: message `c` uses no variables in `en` but `$x` in `es`
es/a.ftl:3:1: error: message `e` is missing from locale `de`
  help: add `e` to a file of locale `de`
es/a.ftl:3:1: error: message `e` is missing from locale `en`
  help: add `e` to a file of locale `en`"
    );
}

#[test]
fn prepared_arguments_format_as_the_arguments_do() {
    let l = good();
    let given = args(&[
        ("name", ArgValue::from("Ana")),
        ("n", ArgValue::Number(2)),
        ("date", ArgValue::Date(date(2024, 1, 1))),
        ("unused", ArgValue::Month(date(2025, 3, 1))),
    ]);
    for lang in ["en", "es"] {
        let prepared = PreparedArgs::new(lang, &given);
        for id in l.message_ids(lang) {
            assert_eq!(
                l.format_prepared(id, &prepared),
                l.format(lang, id, &given),
                "{lang} {id}"
            );
            let attributes = l.message(lang, id).map(|m| m.attributes.clone());
            for attr in attributes.unwrap_or_default().keys() {
                assert_eq!(
                    l.format_attribute_prepared(id, attr, &prepared),
                    l.format_attribute(lang, id, attr, &given),
                    "{lang} {id}.{attr}"
                );
            }
        }
        // Errors too: a missing message, and one without some of its variables.
        let none = Args::new();
        let none_prepared = PreparedArgs::new(lang, &none);
        for id in l.message_ids(lang).into_iter().chain(["nope"]) {
            assert_eq!(
                l.format_prepared(id, &none_prepared),
                l.format(lang, id, &none),
                "{lang} {id}"
            );
        }
    }
}

#[test]
fn messages_are_found_in_the_right_file_among_comments_and_terms() {
    // A message is reached through the index of its file and of its entry in that file;
    // comments, terms and other files must not shift it.
    let l = load(&[
        (
            "en",
            "en/a.ftl",
            "### Resource comment\n# A comment\n-term = T\nfirst = One\n\n## Group\nsecond = Two { -term }\n    .short = 2\n",
        ),
        (
            "en",
            "en/b.ftl",
            "# Another file\nthird = Three\n    .short = 3\n    .long = Three { $n }\n",
        ),
    ]);
    let none = Args::new();
    let none_prepared = PreparedArgs::new("en", &none);
    for (id, text) in [("first", "One"), ("second", "Two T"), ("third", "Three")] {
        assert_eq!(l.format("en", id, &none).as_deref(), Ok(text));
        let message = l.get("en", id).expect("present");
        assert_eq!(message.id(), id);
        assert_eq!(message.format(&none_prepared).as_deref(), Ok(text));
    }
    let third = l.get("en", "third").expect("present");
    assert_eq!(third.info().file, PathBuf::from("en/b.ftl"));
    assert_eq!(
        third.format_attribute("short", &none_prepared).as_deref(),
        Ok("3")
    );
    let n = args(&[("n", ArgValue::Number(3))]);
    assert_eq!(
        third
            .format_attribute("long", &PreparedArgs::new("en", &n))
            .as_deref(),
        Ok("Three 3")
    );
    assert_eq!(
        third.format_attribute("wide", &none_prepared),
        Err(I18nError::MissingAttribute {
            lang: "en".into(),
            id: "third".into(),
            attribute: "wide".into()
        })
    );
    assert!(l.get("en", "term").is_none());
    assert!(l.get("en", "nope").is_none());
    assert!(l.get("de", "first").is_none());
}

#[test]
fn locales_can_be_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Locales>();
    let l = std::sync::Arc::new(good());
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let l = std::sync::Arc::clone(&l);
            std::thread::spawn(move || {
                l.format("es", "items", &args(&[("n", ArgValue::Number(i))]))
            })
        })
        .collect();
    for h in handles {
        assert!(h.join().expect("thread").is_ok());
    }
}
