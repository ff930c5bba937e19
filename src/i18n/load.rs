//! Building [`Locales`] from files: reading the folder, parsing, and every load-time check.
//!
//! Nothing stops at the first problem: each file is parsed and checked, and all diagnostics
//! come back together, so a translator fixes a whole batch in one round.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use fluent::FluentResource;
use fluent::concurrent::FluentBundle;
use rustc_hash::FxHashMap;
use unic_langid::LanguageIdentifier;

use super::analyze::{self, EntryFacts, NUMBER, PatternFacts, RefKind};
use super::{EntryAt, Language, LocaleFile, Locales, MessageEntry, MessageInfo};
use crate::diag::{self, Diagnostic, Pos, suggest};

/// Where file-level problems point: the top of the file.
const TOP: Pos = Pos::new(1, 1);

/// Reads `<dir>/<lang>/*.ftl`: language folders and files in sorted order. Plain files and
/// hidden entries directly in `dir` (a README, `.git`), hidden files and non-`.ftl` files
/// in a language folder are ignored; a subfolder of a language folder is an error.
pub(super) fn load_dir(dir: &Path) -> Result<Locales, Vec<Diagnostic>> {
    let (files, mut diags) = read_dir(dir);
    if files.is_empty() {
        diag::sort(&mut diags);
        return Err(diags);
    }
    // Check what could be read even when something else failed: all problems at once.
    match (from_files(files), diags.is_empty()) {
        (Ok(locales), true) => Ok(locales),
        (Ok(_), false) => {
            diag::sort(&mut diags);
            Err(diags)
        }
        (Err(more), _) => {
            diags.extend(more);
            diag::sort(&mut diags);
            Err(diags)
        }
    }
}

/// The `.ftl` files of `<dir>/<lang>/`, with every problem met on the way (folders that are
/// not language tags, empty language folders, subfolders, unreadable or non-UTF-8 files).
pub(super) fn read_dir(dir: &Path) -> (Vec<LocaleFile>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let folders = match sorted_entries(dir) {
        Ok(entries) => entries,
        Err(e) => {
            let d = Diagnostic::error(dir, TOP, format!("cannot read the locales folder: {e}"))
                .with_help("create it with one folder per language, e.g. `es/main.ftl`");
            return (Vec::new(), vec![d]);
        }
    };
    let mut files = Vec::new();
    let mut languages = 0;
    for folder in folders {
        let Some(name) = folder
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_owned)
        else {
            diags.push(Diagnostic::error(
                &folder,
                TOP,
                "folder name is not valid UTF-8",
            ));
            continue;
        };
        if name.starts_with('.') || !folder.is_dir() {
            continue;
        }
        languages += 1;
        if let Err((message, help)) = language_tag(&name) {
            diags.push(Diagnostic::error(&folder, TOP, message).with_help(help));
            continue;
        }
        let entries = match sorted_entries(&folder) {
            Ok(entries) => entries,
            Err(e) => {
                diags.push(Diagnostic::error(
                    &folder,
                    TOP,
                    format!("cannot read the folder of locale `{name}`: {e}"),
                ));
                continue;
            }
        };
        let mut ftl = Vec::new();
        for path in entries {
            // Editor leftovers (`.main.ftl.swp`, Emacs' `.#main.ftl` links) are hidden.
            if path
                .file_name()
                .and_then(|n| n.to_str())
                .is_none_or(|n| n.starts_with('.'))
            {
                continue;
            }
            if path.is_dir() {
                // Only the language folder itself is read; say so rather than skip quietly.
                diags.push(
                    Diagnostic::error(&path, TOP, "subfolders of a locale are not read")
                        .with_help(format!("put the .ftl files directly in `{name}/`")),
                );
            } else if path.extension().is_some_and(|e| e == "ftl") {
                // Not `is_file()`: a broken link must be reported, not skipped.
                ftl.push(path);
            }
        }
        if ftl.is_empty() {
            diags.push(
                Diagnostic::error(&folder, TOP, format!("locale `{name}` has no .ftl files"))
                    .with_help("add its messages as `.ftl` files, or remove the folder"),
            );
            continue;
        }
        for path in ftl {
            match read_text(&path) {
                Ok(text) => files.push(LocaleFile {
                    lang: name.clone(),
                    path,
                    text,
                }),
                Err(d) => diags.push(d),
            }
        }
    }
    if languages == 0 {
        diags.push(
            Diagnostic::error(dir, TOP, "the locales folder has no language folders")
                .with_help("add one folder per language, e.g. `es/main.ftl` and `en/main.ftl`"),
        );
    }
    (files, diags)
}

/// The largest locale file read.
const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// The entries of a folder, sorted by name so loading (and "first defined") is reproducible.
fn sorted_entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut paths = fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<Vec<_>>>()?;
    paths.sort();
    Ok(paths)
}

/// A file's text; invalid UTF-8 is reported where it starts.
fn read_text(path: &Path) -> Result<String, Diagnostic> {
    use std::io::Read;
    // Read one byte past the limit, so a huge file costs no memory.
    let mut bytes = Vec::new();
    fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| Diagnostic::error(path, TOP, format!("cannot read the file: {e}")))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Diagnostic::error(
            path,
            TOP,
            format!("file is larger than {MAX_FILE_BYTES} bytes, the limit for locale files"),
        )
        .with_help("a locale file is a few dozen kilobytes; check that this is the right file"));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let prefix = std::str::from_utf8(&e.as_bytes()[..valid]).unwrap_or_default();
        Diagnostic::error(
            path,
            Pos::of_offset(prefix, valid),
            "the file is not valid UTF-8 text",
        )
        .with_help("save it as UTF-8")
    })
}

/// A folder name that is a language tag, written the canonical way (`es`, `en`, `pt-BR`).
fn language_tag(name: &str) -> Result<LanguageIdentifier, (String, String)> {
    let not_a_tag = || {
        (
            format!("`{name}` is not a language tag"),
            "name locale folders after a language, such as `es` or `en`".to_string(),
        )
    };
    let id: LanguageIdentifier = name.parse().map_err(|_| not_a_tag())?;
    // unic-langid also accepts 5–8 letter "languages" (so `README` would pass) and `und`.
    let language = id.language.as_str();
    if !(2..=3).contains(&language.len()) || id.language.is_empty() {
        return Err(not_a_tag());
    }
    let canonical = id.to_string();
    if canonical != name {
        return Err((
            format!("`{name}` is not written as a language tag"),
            format!("rename it to `{canonical}`"),
        ));
    }
    Ok(id)
}

/// A message or term as kept while a language is assembled.
struct Defined {
    /// The file that defines it, shared by all its entries.
    path: Rc<Path>,
    /// The index of that file's resource among the language's.
    resource: usize,
    facts: EntryFacts,
}

/// Messages (or terms) by name, sorted.
type ByName<'a> = BTreeMap<&'a str, &'a Defined>;

pub(super) fn from_files(files: Vec<LocaleFile>) -> Result<Locales, Vec<Diagnostic>> {
    if files.is_empty() {
        return Err(vec![Diagnostic::error(
            "locales",
            TOP,
            "no locale files were given",
        )]);
    }
    let mut by_lang: BTreeMap<String, Vec<LocaleFile>> = BTreeMap::new();
    for file in files {
        by_lang.entry(file.lang.clone()).or_default().push(file);
    }
    let mut diags = Vec::new();
    let mut languages = BTreeMap::new();
    for (lang, files) in by_lang {
        if let Some(language) = build_language(&lang, files, &mut diags) {
            languages.insert(lang, language);
        }
    }
    if diags.is_empty() {
        Ok(Locales { languages })
    } else {
        diag::sort(&mut diags);
        Err(diags)
    }
}

fn build_language(
    lang: &str,
    files: Vec<LocaleFile>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Language> {
    let first_path = files.first().map(|f| f.path.clone()).unwrap_or_default();
    let langid = match language_tag(lang) {
        Ok(id) => id,
        Err((message, help)) => {
            diags.push(Diagnostic::error(&first_path, TOP, message).with_help(help));
            return None;
        }
    };
    let mut bundle = FluentBundle::new_concurrent(vec![langid.clone()]);
    // es and en are left-to-right: no U+2068/U+2069 around placeables in what users read.
    bundle.set_use_isolating(false);
    if let Err(e) = bundle.add_builtins() {
        diags.push(Diagnostic::error(
            &first_path,
            TOP,
            format!("cannot add Fluent's built-in functions: {e}"),
        ));
    }

    // Messages and terms share one namespace in a bundle (`brand` and `-brand` collide), so
    // duplicates are keyed by the bare name. A large file has tens of thousands of entries:
    // they are kept in the order met, found by a hash of their name, and sorted once at the
    // end.
    let mut defined: Vec<Defined> = Vec::new();
    let mut by_name: FxHashMap<String, usize> = FxHashMap::default();
    let mut resources = Vec::with_capacity(files.len());
    for file in files {
        let path: Rc<Path> = Rc::from(file.path.as_path());
        // Editors on Windows may save a byte-order mark, which Fluent reads as junk.
        let text = match file.text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => file.text,
        };
        let (resource, errors) = match FluentResource::try_new(text) {
            Ok(resource) => (resource, Vec::new()),
            Err((resource, errors)) => (resource, errors),
        };
        let facts = analyze::file(resource.source(), resource.entries(), &errors);
        for p in facts.problems {
            let d = Diagnostic::error(&file.path, p.pos, p.message);
            diags.push(match p.help {
                Some(help) => d.with_help(help),
                None => d,
            });
        }
        defined.reserve(facts.entries.len());
        by_name.reserve(facts.entries.len());
        let mut flagged = BTreeSet::new();
        for entry in facts.entries {
            if let Some(first) = by_name.get(&entry.name).map(|&i| &defined[i]) {
                let what = if entry.is_term { "term" } else { "message" };
                let message = if first.facts.is_term == entry.is_term {
                    format!("{what} `{}` is defined twice", entry.display_name())
                } else {
                    format!(
                        "{what} `{}` has the same name as {} `{}`",
                        entry.display_name(),
                        if first.facts.is_term {
                            "term"
                        } else {
                            "message"
                        },
                        first.facts.display_name()
                    )
                };
                diags.push(
                    Diagnostic::error(&file.path, entry.pos, message).with_help(format!(
                        "first defined at {}:{}",
                        first.path.display(),
                        first.facts.pos
                    )),
                );
                flagged.insert(entry.name.clone());
                continue;
            }
            by_name.insert(entry.name.clone(), defined.len());
            defined.push(Defined {
                path: Rc::clone(&path),
                resource: resources.len(),
                facts: entry,
            });
        }
        let resource = Arc::new(resource);
        resources.push(Arc::clone(&resource));
        if let Err(errors) = bundle.add_resource(resource) {
            // The check above should have caught every override; never drop one unseen.
            for e in errors {
                let unseen = match &e {
                    fluent::FluentError::Overriding { id, .. } => !flagged.contains(id),
                    _ => true,
                };
                if unseen {
                    diags.push(Diagnostic::error(&file.path, TOP, e.to_string()));
                }
            }
        }
    }

    drop(by_name);
    // Sorted once (references, not the entries), then each map built in one go: a sorted
    // sequence makes a BTreeMap without a search per entry.
    let mut sorted: Vec<(&str, &Defined)> =
        defined.iter().map(|d| (d.facts.name.as_str(), d)).collect();
    sorted.sort_unstable_by_key(|&(name, _)| name);
    let (messages, terms): (Vec<_>, Vec<_>) =
        sorted.into_iter().partition(|(_, d)| !d.facts.is_term);
    let (messages, terms): (ByName<'_>, ByName<'_>) =
        (messages.into_iter().collect(), terms.into_iter().collect());
    check_references(&messages, &terms, diags);
    let messages = message_infos(&messages, diags);
    Some(Language::new(langid, bundle, resources, messages))
}

/// Every pattern of an entry, with the attribute it belongs to.
fn patterns(facts: &EntryFacts) -> impl Iterator<Item = (Option<&str>, &PatternFacts)> {
    facts.value.iter().map(|p| (None, p)).chain(
        facts
            .attributes
            .iter()
            .map(|a| (Some(a.name.as_str()), &a.facts)),
    )
}

/// References to messages, terms, attributes and functions that do not exist, and term calls
/// that would print `{$var}`; Fluent would only notice these when a user reads the message.
fn check_references(messages: &ByName<'_>, terms: &ByName<'_>, diags: &mut Vec<Diagnostic>) {
    for entry in messages.values().chain(terms.values()) {
        for (_, pattern) in patterns(&entry.facts) {
            for r in &pattern.refs {
                let error = |message: String| Diagnostic::error(&entry.path, r.pos, message);
                match r.kind {
                    RefKind::Message => match messages.get(r.id.as_str()) {
                        None => {
                            let d = error(format!("unknown message `{}`", r.id));
                            diags.push(with_suggestion(d, &r.id, messages.keys().copied()));
                        }
                        Some(target) => match &r.attribute {
                            Some(attr) if target.facts.attribute(attr).is_none() => {
                                diags.push(error(format!(
                                    "message `{}` has no attribute `.{attr}`",
                                    r.id
                                )));
                            }
                            None if target.facts.value.is_none() => diags.push(
                                error(format!("message `{}` has no value, only attributes", r.id))
                                    .with_help(
                                        "refer to one of its attributes, e.g. `{ name.attr }`",
                                    ),
                            ),
                            _ => {}
                        },
                    },
                    RefKind::Term => match terms.get(r.id.as_str()) {
                        None => {
                            let d = error(format!("unknown term `-{}`", r.id));
                            let names: Vec<String> =
                                terms.keys().map(|t| format!("-{t}")).collect();
                            diags.push(with_suggestion(
                                d,
                                &format!("-{}", r.id),
                                names.iter().map(String::as_str),
                            ));
                        }
                        Some(target) => {
                            let pattern = match &r.attribute {
                                Some(attr) => target.facts.attribute(attr).map(|a| &a.facts),
                                None => target.facts.value.as_ref(),
                            };
                            match (pattern, &r.attribute) {
                                (None, Some(attr)) => diags.push(error(format!(
                                    "term `-{}` has no attribute `.{attr}`",
                                    r.id
                                ))),
                                (None, None) => {}
                                (Some(p), _) => {
                                    // A term's `$vars` are its call's named arguments.
                                    for var in p.printed.difference(&r.named_args) {
                                        diags.push(
                                            error(format!(
                                                "term `-{}` prints `${var}`, but this reference does not pass `{var}`",
                                                r.id
                                            ))
                                            .with_help(format!(
                                                "pass it as `{{ -{}({var}: \"…\") }}`",
                                                r.id
                                            )),
                                        );
                                    }
                                }
                            }
                        }
                    },
                    RefKind::Function if r.id != NUMBER => diags.push(
                        error(format!("unknown function `{}`", r.id))
                            .with_help("only `NUMBER` is available"),
                    ),
                    RefKind::Function => {}
                }
            }
        }
    }
}

fn with_suggestion<'a>(
    d: Diagnostic,
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Diagnostic {
    match suggest(name, candidates) {
        Some(help) => d.with_help(help),
        None => d,
    }
}

/// A message value (`None`) or one of its attributes, borrowed from the messages.
type Key<'a> = (&'a str, Option<&'a str>);

/// What a pattern reads, including through the messages it refers to.
#[derive(Clone, Default)]
struct Reads {
    vars: BTreeSet<String>,
    numeric: BTreeSet<String>,
}

/// Builds the per-message info, collecting variables through message references; sorted by
/// id.
fn message_infos(
    messages: &ByName<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(String, MessageEntry)> {
    let mut walk = Transitive {
        messages,
        memo: FxHashMap::default(),
        stack: Vec::new(),
        diags,
    };
    let mut out = Vec::with_capacity(messages.len());
    for (id, defined) in messages {
        let value = match &defined.facts.value {
            Some(pattern) => walk.reads_of((id, None), defined, pattern),
            None => Reads::default(),
        };
        let mut attributes = BTreeMap::new();
        let mut attr_numeric = BTreeMap::new();
        for attr in &defined.facts.attributes {
            let reads = walk.reads_of((id, Some(&attr.name)), defined, &attr.facts);
            attributes.insert(attr.name.clone(), reads.vars);
            attr_numeric.insert(attr.name.clone(), reads.numeric);
        }
        out.push((
            id.to_string(),
            MessageEntry {
                info: MessageInfo {
                    file: defined.path.to_path_buf(),
                    pos: defined.facts.pos,
                    has_value: defined.facts.value.is_some(),
                    variables: value.vars,
                    attributes,
                },
                numeric: value.numeric,
                attr_numeric,
                at: EntryAt {
                    resource: defined.resource,
                    entry: defined.facts.index,
                },
            },
        ));
    }
    out
}

/// Depth-first walk over message references, memoised, reporting each cycle once.
///
/// Most messages refer to no other message: their reads are their own and skip the memo
/// and the stack, which a file of tens of thousands of messages would otherwise fill with
/// copies of every set.
struct Transitive<'a> {
    messages: &'a ByName<'a>,
    memo: FxHashMap<Key<'a>, Reads>,
    stack: Vec<Key<'a>>,
    diags: &'a mut Vec<Diagnostic>,
}

/// The message (or attribute) pattern `key` names, if it exists.
fn lookup<'a>(
    messages: &ByName<'a>,
    (id, attr): Key<'_>,
) -> Option<(&'a Defined, &'a PatternFacts)> {
    let defined = messages.get(id)?;
    let pattern = match attr {
        None => defined.facts.value.as_ref()?,
        Some(attr) => &defined.facts.attribute(attr)?.facts,
    };
    Some((defined, pattern))
}

impl<'a> Transitive<'a> {
    /// What the pattern `key` names reads.
    fn reads(&mut self, key: Key<'a>) -> Reads {
        // Unknown targets were reported by `check_references`.
        match lookup(self.messages, key) {
            Some((defined, pattern)) => self.reads_of(key, defined, pattern),
            None => Reads::default(),
        }
    }

    /// What `pattern`, the pattern `key` of `defined`, reads (the caller has it at hand:
    /// no lookup by name).
    fn reads_of(&mut self, key: Key<'a>, defined: &'a Defined, pattern: &'a PatternFacts) -> Reads {
        if let Some(done) = self.memo.get(&key) {
            return done.clone();
        }
        let mut reads = Reads {
            vars: pattern.vars.clone(),
            numeric: pattern.numeric.clone(),
        };
        let mut refs = pattern
            .refs
            .iter()
            .filter(|r| r.kind == RefKind::Message)
            .peekable();
        if refs.peek().is_none() {
            return reads;
        }
        self.stack.push(key);
        for r in refs {
            // The target's names are borrowed from the messages (the reference's own copy
            // lives only as long as this pattern's facts, which the messages own too).
            let Some(target) = self.key_of(&r.id, r.attribute.as_deref()) else {
                continue;
            };
            if let Some(start) = self.stack.iter().position(|k| *k == target) {
                let chain: Vec<String> = self.stack[start..]
                    .iter()
                    .chain(std::iter::once(&target))
                    .map(|k| format!("`{}`", show_key(*k)))
                    .collect();
                self.diags.push(
                    Diagnostic::error(
                        &defined.path,
                        r.pos,
                        format!(
                            "messages refer to each other in a cycle: {}",
                            chain.join(" → ")
                        ),
                    )
                    .with_help("Fluent cannot format any message in the cycle"),
                );
                continue;
            }
            let sub = self.reads(target);
            reads.vars.extend(sub.vars);
            reads.numeric.extend(sub.numeric);
        }
        self.stack.pop();
        self.memo.insert(key, reads.clone());
        reads
    }

    /// The key of `id` (`.attr`) with names borrowed from the messages; `None` for a message
    /// or attribute that does not exist (reported by `check_references`).
    fn key_of(&self, id: &str, attr: Option<&str>) -> Option<Key<'a>> {
        let (&id, defined) = self.messages.get_key_value(id)?;
        match attr {
            None => Some((id, None)),
            Some(attr) => {
                let attribute = defined.facts.attribute(attr)?;
                Some((id, Some(attribute.name.as_str())))
            }
        }
    }
}

fn show_key((id, attr): Key<'_>) -> String {
    match attr {
        Some(a) => format!("{id}.{a}"),
        None => id.to_string(),
    }
}
