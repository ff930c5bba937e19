//! Everything a user reads, from Project Fluent files in `locales/<lang>/*.ftl`.
//!
//! Contract:
//! * Loading checks everything it can and reports all problems at once, each at
//!   `file:line:col` (parse errors, duplicates, unknown references, bad folders). Any parse
//!   error is fatal: Fluent would otherwise drop the broken entry and carry on.
//! * Formatting never falls back silently: a missing language, message, attribute or
//!   variable, or any error Fluent reports, is an [`I18nError`], never a blank or `???`.
//! * Dates are put into words here (Fluent 0.17 has no `DATETIME`), per language.

mod analyze;
mod load;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use fluent::concurrent::FluentBundle;
use fluent::{FluentArgs, FluentError, FluentResource, FluentValue};
use fluent_langneg::{NegotiationStrategy, negotiate_languages};
use rustc_hash::FxHashMap;
use unic_langid::LanguageIdentifier;

use crate::date::Date;
use crate::diag::{Diagnostic, Pos};

/// A value passed to a message.
#[derive(Debug, Clone, PartialEq)]
pub enum ArgValue {
    /// Passed to Fluent as a string.
    Text(String),
    /// Put into words for the message's language (see [`Locales::format_date`]), then passed
    /// as a string.
    Date(Date),
    /// A month in words ("January 2025"), for dates the sources give only to the month.
    Month(Date),
    /// Passed as a Fluent number, so `{ $n -> [one] … *[other] … }` picks the plural form.
    Number(i64),
}

impl From<&str> for ArgValue {
    fn from(s: &str) -> Self {
        ArgValue::Text(s.to_string())
    }
}

impl From<String> for ArgValue {
    fn from(s: String) -> Self {
        ArgValue::Text(s)
    }
}

impl From<Date> for ArgValue {
    fn from(d: Date) -> Self {
        ArgValue::Date(d)
    }
}

impl From<i64> for ArgValue {
    fn from(n: i64) -> Self {
        ArgValue::Number(n)
    }
}

/// The variables given to a message, by name (without the `$`).
pub type Args = BTreeMap<String, ArgValue>;

/// Arguments converted for Fluent once, for formatting many messages of one language with
/// the same values (see [`Locales::format_prepared`]).
///
/// Converting is not free: every date is put into words and every name copied into Fluent's
/// argument list. `check` formats each of tens of thousands of messages with the same
/// longest arguments, and converting them once per language rather than once per message
/// saves most of that work. The result is the same as [`Locales::format`] with `args`.
pub struct PreparedArgs<'a> {
    lang: &'a str,
    args: &'a Args,
    fluent: FluentArgs<'a>,
}

impl<'a> PreparedArgs<'a> {
    /// `args` as messages of `lang` take them.
    pub fn new(lang: &'a str, args: &'a Args) -> Self {
        PreparedArgs {
            lang,
            args,
            fluent: fluent_args(lang, args),
        }
    }

    /// The language the arguments were prepared for.
    pub fn lang(&self) -> &'a str {
        self.lang
    }

    /// The arguments as given.
    pub fn args(&self) -> &'a Args {
        self.args
    }
}

/// A message of one language, found once to be checked and formatted several times (see
/// [`Locales::get`]); formatting it is the same as [`Locales::format_prepared`].
#[derive(Clone, Copy)]
pub struct Message<'a> {
    lang: &'a str,
    id: &'a str,
    language: &'a Language,
    entry: &'a MessageEntry,
}

impl<'a> Message<'a> {
    /// What is known about the message.
    pub fn info(&self) -> &'a MessageInfo {
        &self.entry.info
    }

    /// The message's id.
    pub fn id(&self) -> &'a str {
        self.id
    }

    /// Formats the message with arguments prepared for its language.
    pub fn format(&self, args: &PreparedArgs<'_>) -> Result<String, I18nError> {
        debug_assert_eq!(
            args.lang, self.lang,
            "arguments prepared for another language"
        );
        let (bundle, pattern, needs) = self.value()?;
        needs.check(args.args)?;
        needs.format(bundle, pattern, &args.fluent)
    }

    /// Formats attribute `attribute` with arguments prepared for the message's language.
    pub fn format_attribute(
        &self,
        attribute: &str,
        args: &PreparedArgs<'_>,
    ) -> Result<String, I18nError> {
        debug_assert_eq!(
            args.lang, self.lang,
            "arguments prepared for another language"
        );
        let (bundle, pattern, needs) = self.attribute(attribute)?;
        needs.check(args.args)?;
        needs.format(bundle, pattern, &args.fluent)
    }

    /// The value and what formatting it needs.
    fn value(&self) -> Result<Formattable<'a>, I18nError> {
        let pattern = self
            .language
            .syntax(self.entry)
            .and_then(|m| m.value.as_ref())
            .ok_or_else(|| I18nError::NoValue {
                lang: self.lang.to_string(),
                id: self.id.to_string(),
            })?;
        let needs = Needs {
            lang: self.lang,
            id: self.id,
            attribute: None,
            variables: &self.entry.info.variables,
            numeric: &self.entry.numeric,
        };
        Ok((&self.language.bundle, pattern, needs))
    }

    /// Attribute `attribute` and what formatting it needs.
    fn attribute<'b>(&self, attribute: &'b str) -> Result<Formattable<'b>, I18nError>
    where
        'a: 'b,
    {
        let missing = || I18nError::MissingAttribute {
            lang: self.lang.to_string(),
            id: self.id.to_string(),
            attribute: attribute.to_string(),
        };
        // The first of that name, as Fluent takes it.
        let pattern = self
            .language
            .syntax(self.entry)
            .and_then(|m| m.attributes.iter().find(|a| a.id.name == attribute))
            .map(|a| &a.value)
            .ok_or_else(missing)?;
        let variables = self
            .entry
            .info
            .attributes
            .get(attribute)
            .ok_or_else(missing)?;
        let numeric = self.entry.attr_numeric.get(attribute).ok_or_else(missing)?;
        let needs = Needs {
            lang: self.lang,
            id: self.id,
            attribute: Some(attribute),
            variables,
            numeric,
        };
        Ok((&self.language.bundle, pattern, needs))
    }
}

/// A pattern ready to format: its bundle, the pattern and what it needs from the arguments.
type Formattable<'s> = (
    &'s FluentBundle<Arc<FluentResource>>,
    &'s fluent_syntax::ast::Pattern<&'s str>,
    Needs<'s>,
);

/// One .ftl file's content, so locales can be embedded in the binary as well as read from disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocaleFile {
    /// The language code, e.g. `es` (the folder name when read from disk).
    pub lang: String,
    /// Used only to name the file in diagnostics.
    pub path: PathBuf,
    /// The file's text.
    pub text: String,
}

/// What a rules checker needs to know about a message in one locale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageInfo {
    /// The file that defines the message.
    pub file: PathBuf,
    /// Where its identifier starts (column 1 of its first line).
    pub pos: Pos,
    /// Whether the message has a value of its own (`id = text`), not only attributes; only
    /// such a message can be passed to [`Locales::format`].
    pub has_value: bool,
    /// Every `$var` the value can read: through placeables, selectors, every variant,
    /// arguments of term and function calls, and the messages it refers to (transitively).
    pub variables: BTreeSet<String>,
    /// Attribute name → the variables that attribute can read, collected the same way.
    pub attributes: BTreeMap<String, BTreeSet<String>>,
}

/// Why a message could not be formatted. Each names the language and the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum I18nError {
    /// The language is not loaded.
    #[error("unknown language `{lang}` (asked for message `{id}`)")]
    UnknownLanguage {
        /// The language asked for.
        lang: String,
        /// The message asked for.
        id: String,
    },
    /// The language has no such message.
    #[error("message `{id}` is missing from locale `{lang}`")]
    MissingMessage {
        /// The language searched.
        lang: String,
        /// The message asked for.
        id: String,
    },
    /// The message has only attributes, no value.
    #[error("message `{id}` has no value in locale `{lang}`, only attributes")]
    NoValue {
        /// The language searched.
        lang: String,
        /// The message asked for.
        id: String,
    },
    /// The message has no such attribute.
    #[error("message `{id}` has no attribute `{attribute}` in locale `{lang}`")]
    MissingAttribute {
        /// The language searched.
        lang: String,
        /// The message asked for.
        id: String,
        /// The attribute asked for.
        attribute: String,
    },
    /// Variables were missing or of the wrong kind, or Fluent reported errors.
    #[error("cannot format `{}` in locale `{lang}`: {}", show_target(id, attribute.as_deref()), problems.join("; "))]
    Format {
        /// The language used.
        lang: String,
        /// The message formatted.
        id: String,
        /// The attribute formatted, if any.
        attribute: Option<String>,
        /// Each problem, in plain words (e.g. "variable `$name` was not supplied").
        problems: Vec<String>,
    },
}

fn show_target(id: &str, attribute: Option<&str>) -> String {
    match attribute {
        Some(a) => format!("{id}.{a}"),
        None => id.to_string(),
    }
}

/// A message as stored: its public info plus what formatting must check.
struct MessageEntry {
    info: MessageInfo,
    /// Variables given to `NUMBER()` by the value (they must be numbers).
    numeric: BTreeSet<String>,
    /// The same per attribute.
    attr_numeric: BTreeMap<String, BTreeSet<String>>,
    /// Where the message is among its language's resources.
    at: EntryAt,
}

/// Where an entry is: the index of its resource (file) in [`Language::resources`], and its
/// index among that resource's entries.
#[derive(Debug, Clone, Copy)]
struct EntryAt {
    resource: usize,
    entry: usize,
}

/// One loaded language.
struct Language {
    langid: LanguageIdentifier,
    bundle: FluentBundle<Arc<FluentResource>>,
    /// The bundle's resources, in the order added, to reach a message's syntax tree without
    /// looking its name up in the bundle again.
    resources: Vec<Arc<FluentResource>>,
    /// The messages, sorted by id.
    messages: Vec<(String, MessageEntry)>,
    /// Where each id is in `messages`. A hash map: `check` looks up each of the tens of
    /// thousands of messages of a large file several times.
    index: FxHashMap<String, usize>,
}

impl Language {
    /// `messages` must be sorted by id.
    fn new(
        langid: LanguageIdentifier,
        bundle: FluentBundle<Arc<FluentResource>>,
        resources: Vec<Arc<FluentResource>>,
        messages: Vec<(String, MessageEntry)>,
    ) -> Self {
        let mut index = FxHashMap::with_capacity_and_hasher(messages.len(), Default::default());
        index.extend(
            messages
                .iter()
                .enumerate()
                .map(|(i, (id, _))| (id.clone(), i)),
        );
        Language {
            langid,
            bundle,
            resources,
            messages,
            index,
        }
    }

    /// The syntax tree of a message of this language.
    fn syntax(&self, entry: &MessageEntry) -> Option<&fluent_syntax::ast::Message<&str>> {
        let resource = self.resources.get(entry.at.resource)?;
        match resource.get_entry(entry.at.entry)? {
            fluent_syntax::ast::Entry::Message(m) => Some(m),
            _ => None,
        }
    }

    fn message(&self, id: &str) -> Option<&MessageEntry> {
        self.index.get(id).map(|&i| &self.messages[i].1)
    }

    /// The messages, sorted by id.
    fn sorted(&self) -> impl Iterator<Item = (&str, &MessageEntry)> {
        self.messages.iter().map(|(id, m)| (id.as_str(), m))
    }
}

/// All loaded languages. `Send + Sync`: share one behind an `Arc` across handlers.
pub struct Locales {
    languages: BTreeMap<String, Language>,
}

impl fmt::Debug for Locales {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Bundles have no Debug; the languages and message counts say enough.
        let mut map = f.debug_map();
        for (lang, language) in &self.languages {
            map.entry(lang, &format_args!("{} messages", language.messages.len()));
        }
        map.finish()
    }
}

impl Locales {
    /// Reads every `<dir>/<lang>/*.ftl` in sorted order. All problems at once.
    ///
    /// Hidden entries and plain files directly in `dir` (a README) are ignored, and so are
    /// hidden files and files not ending in `.ftl` inside a language folder. Subfolders of a
    /// language folder are not read, and reported.
    pub fn load_dir(dir: &Path) -> Result<Locales, Vec<Diagnostic>> {
        load::load_dir(dir)
    }

    /// Reads the `.ftl` files of `<dir>/<lang>/` without building bundles, with every problem
    /// met on the way (so a caller can hash the files, then build with `from_files`).
    pub fn read_dir(dir: &Path) -> (Vec<LocaleFile>, Vec<Diagnostic>) {
        load::read_dir(dir)
    }

    /// The same from in-memory files (paths are used only in diagnostics). Files of one
    /// language are read in the order given, which decides where a duplicate is reported.
    pub fn from_files(files: Vec<LocaleFile>) -> Result<Locales, Vec<Diagnostic>> {
        load::from_files(files)
    }

    /// Language codes present, sorted (e.g. `["en", "es"]`).
    pub fn languages(&self) -> Vec<String> {
        self.languages.keys().cloned().collect()
    }

    /// Maps a Telegram-style code onto a present language: "es-419", "es-MX", "ES" -> "es";
    /// "en-GB" -> "en"; "pt-BR", "", garbage -> `default` (which must itself be present,
    /// else the first language).
    pub fn negotiate(&self, requested: Option<&str>, default: &str) -> String {
        let fallback = if self.languages.contains_key(default) {
            default.to_string()
        } else {
            self.languages
                .keys()
                .next()
                .cloned()
                .unwrap_or_else(|| default.to_string())
        };
        let Some(requested) = requested
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .and_then(|r| r.parse::<LanguageIdentifier>().ok())
        else {
            return fallback;
        };
        let available: Vec<&LanguageIdentifier> =
            self.languages.values().map(|l| &l.langid).collect();
        let chosen = negotiate_languages(
            &[requested],
            &available,
            None,
            NegotiationStrategy::Filtering,
        );
        chosen
            .first()
            .and_then(|id| {
                self.languages
                    .iter()
                    .find(|(_, l)| l.langid == ***id)
                    .map(|(code, _)| code.clone())
            })
            .unwrap_or(fallback)
    }

    /// What is known about message `id` in `lang`, if both exist.
    pub fn message(&self, lang: &str, id: &str) -> Option<&MessageInfo> {
        Some(&self.languages.get(lang)?.message(id)?.info)
    }

    /// ids of every message (not terms) in `lang`, sorted; empty for an unknown language.
    pub fn message_ids(&self, lang: &str) -> Vec<&str> {
        self.languages
            .get(lang)
            .map(|l| l.messages.iter().map(|(id, _)| id.as_str()).collect())
            .unwrap_or_default()
    }

    /// Message `id` of `lang`, to check and format without looking it up again.
    pub fn get<'a>(&'a self, lang: &'a str, id: &'a str) -> Option<Message<'a>> {
        self.find(lang, id).ok()
    }

    /// Formats a message. No silent fallback: a missing message, a missing variable or any
    /// Fluent error is an Err, never a blank or "???".
    ///
    /// Every variable the message can read must be supplied, even one read only in a variant
    /// that this call would not pick: that keeps the outcome independent of the values.
    pub fn format(&self, lang: &str, id: &str, args: &Args) -> Result<String, I18nError> {
        let (bundle, pattern, needs) = self.find(lang, id)?.value()?;
        needs.check(args)?;
        needs.format(bundle, pattern, &fluent_args(lang, args))
    }

    /// Formats attribute `attribute` of message `id`, with the same guarantees as
    /// [`Locales::format`].
    pub fn format_attribute(
        &self,
        lang: &str,
        id: &str,
        attribute: &str,
        args: &Args,
    ) -> Result<String, I18nError> {
        let (bundle, pattern, needs) = self.find(lang, id)?.attribute(attribute)?;
        needs.check(args)?;
        needs.format(bundle, pattern, &fluent_args(lang, args))
    }

    /// [`Locales::format`] with arguments converted once for many messages of one language.
    pub fn format_prepared(&self, id: &str, args: &PreparedArgs<'_>) -> Result<String, I18nError> {
        self.find(args.lang, id)?.format(args)
    }

    /// [`Locales::format_attribute`] with arguments converted once for many messages of one
    /// language.
    pub fn format_attribute_prepared(
        &self,
        id: &str,
        attribute: &str,
        args: &PreparedArgs<'_>,
    ) -> Result<String, I18nError> {
        self.find(args.lang, id)?.format_attribute(attribute, args)
    }

    fn find<'a>(&'a self, lang: &'a str, id: &'a str) -> Result<Message<'a>, I18nError> {
        let language = self
            .languages
            .get(lang)
            .ok_or_else(|| I18nError::UnknownLanguage {
                lang: lang.to_string(),
                id: id.to_string(),
            })?;
        let entry = language
            .message(id)
            .ok_or_else(|| I18nError::MissingMessage {
                lang: lang.to_string(),
                id: id.to_string(),
            })?;
        Ok(Message {
            lang,
            id,
            language,
            entry,
        })
    }

    /// Dates in words: es "18 de octubre de 2023", en "18 October 2023"; any other language:
    /// ISO "2023-10-18". (1st: es "1 de enero de 2024".) A regional code such as `es-MX`
    /// uses its language's words.
    pub fn format_date(lang: &str, date: Date) -> String {
        match month_name(lang, date) {
            Some(("es", month)) => format!("{} de {month} de {}", date.day(), date.year()),
            Some((_, month)) => format!("{} {month} {}", date.day(), date.year()),
            None => date.to_string(),
        }
    }

    /// A month in words, for events the sources date only to the month: es "enero de 2025",
    /// en "January 2025"; any other language: ISO "2025-01".
    pub fn format_month(lang: &str, date: Date) -> String {
        match month_name(lang, date) {
            Some(("es", month)) => format!("{month} de {}", date.year()),
            Some((_, month)) => format!("{month} {}", date.year()),
            None => format!("{:04}-{:02}", date.year(), date.month()),
        }
    }

    /// Cross-locale consistency: a message or attribute present in one locale and missing in
    /// another (error at the present message's position, naming the locale it is missing
    /// from); the same message or attribute using different variables in two locales (error
    /// at the message in the second locale, listing both sets). Each locale is compared with
    /// the first locale (sorted) that has the message.
    pub fn check_consistency(&self) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        // Every language's messages are sorted by id: walk them side by side, taking the
        // smallest id left each time, rather than looking up every id in every language.
        let mut walks: Vec<_> = self
            .languages
            .iter()
            .map(|(lang, l)| (lang.as_str(), l.sorted().peekable()))
            .collect();
        let mut present: Vec<(&str, &MessageInfo)> = Vec::with_capacity(walks.len());
        loop {
            let next = walks
                .iter_mut()
                .filter_map(|(_, walk)| walk.peek().map(|&(id, _)| id))
                .min();
            let Some(id) = next else { break };
            present.clear();
            for (lang, walk) in &mut walks {
                if let Some((_, m)) = walk.next_if(|&(other, _)| other == id) {
                    present.push((*lang, &m.info));
                }
            }
            let Some(&(first_lang, first)) = present.first() else {
                continue;
            };
            for lang in self.languages.keys() {
                if !present.iter().any(|(l, _)| l == lang) {
                    diags.push(
                        Diagnostic::error(
                            &first.file,
                            first.pos,
                            format!("message `{id}` is missing from locale `{lang}`"),
                        )
                        .with_help(format!("add `{id}` to a file of locale `{lang}`")),
                    );
                }
            }
            for &(lang, info) in &present[1..] {
                compare(&mut diags, id, (first_lang, first), (lang, info));
            }
        }
        crate::diag::sort(&mut diags);
        diags
    }
}

/// Differences between one message in two locales, reported at the second.
fn compare(
    diags: &mut Vec<Diagnostic>,
    id: &str,
    (first_lang, first): (&str, &MessageInfo),
    (lang, info): (&str, &MessageInfo),
) {
    let at = |message: String| Diagnostic::error(&info.file, info.pos, message);
    if first.has_value && info.has_value && first.variables != info.variables {
        diags.push(at(format!(
            "message `{id}` uses {} in `{first_lang}` but {} in `{lang}`",
            show_vars(&first.variables),
            show_vars(&info.variables)
        )));
    }
    if first.has_value != info.has_value {
        let (has, lacks) = if first.has_value {
            (first_lang, lang)
        } else {
            (lang, first_lang)
        };
        diags.push(at(format!(
            "message `{id}` has a value in `{has}` but not in `{lacks}`"
        )));
    }
    for (attr, vars) in &first.attributes {
        match info.attributes.get(attr) {
            None => diags.push(Diagnostic::error(
                &first.file,
                first.pos,
                format!("attribute `{id}.{attr}` is missing from locale `{lang}`"),
            )),
            Some(other) if other != vars => diags.push(at(format!(
                "attribute `{id}.{attr}` uses {} in `{first_lang}` but {} in `{lang}`",
                show_vars(vars),
                show_vars(other)
            ))),
            Some(_) => {}
        }
    }
    for attr in info.attributes.keys() {
        if !first.attributes.contains_key(attr) {
            diags.push(at(format!(
                "attribute `{id}.{attr}` is missing from locale `{first_lang}`"
            )));
        }
    }
}

/// "`$a`, `$b`" or "no variables".
fn show_vars(vars: &BTreeSet<String>) -> String {
    if vars.is_empty() {
        "no variables".to_string()
    } else {
        vars.iter()
            .map(|v| format!("`${v}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What one pattern needs from the caller's arguments.
struct Needs<'a> {
    lang: &'a str,
    id: &'a str,
    attribute: Option<&'a str>,
    variables: &'a BTreeSet<String>,
    numeric: &'a BTreeSet<String>,
}

impl Needs<'_> {
    fn error(&self, problems: Vec<String>) -> I18nError {
        I18nError::Format {
            lang: self.lang.to_string(),
            id: self.id.to_string(),
            attribute: self.attribute.map(str::to_string),
            problems,
        }
    }

    /// Every variable the pattern can read is supplied, and each one given to `NUMBER()` is
    /// a number.
    fn check(&self, args: &Args) -> Result<(), I18nError> {
        let mut problems = Vec::new();
        for var in self.variables {
            match args.get(var) {
                None => problems.push(format!("variable `${var}` was not supplied")),
                Some(ArgValue::Number(_)) => {}
                // NUMBER() would print "NUMBER()" for text, and Fluent reports nothing.
                Some(_) if self.numeric.contains(var) => problems.push(format!(
                    "variable `${var}` must be a number (it goes to NUMBER)"
                )),
                Some(_) => {}
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(self.error(problems))
        }
    }

    /// Formats the pattern (after [`Needs::check`]) with the arguments in Fluent's form.
    fn format(
        &self,
        bundle: &FluentBundle<Arc<FluentResource>>,
        pattern: &fluent_syntax::ast::Pattern<&str>,
        fluent_args: &FluentArgs<'_>,
    ) -> Result<String, I18nError> {
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(fluent_args), &mut errors);
        if errors.is_empty() {
            Ok(text.into_owned())
        } else {
            Err(self.error(errors.iter().map(describe).collect()))
        }
    }
}

/// The arguments as Fluent takes them, dates put into words for `lang`.
fn fluent_args<'a>(lang: &str, args: &'a Args) -> FluentArgs<'a> {
    let mut fluent_args = FluentArgs::with_capacity(args.len());
    for (name, value) in args {
        let value = match value {
            ArgValue::Text(s) => FluentValue::from(s.as_str()),
            ArgValue::Date(d) => FluentValue::from(Locales::format_date(lang, *d)),
            ArgValue::Month(d) => FluentValue::from(Locales::format_month(lang, *d)),
            ArgValue::Number(n) => FluentValue::from(*n),
        };
        fluent_args.set(name.as_str(), value);
    }
    fluent_args
}

/// A Fluent formatting error in the same words as the load-time diagnostics.
fn describe(error: &FluentError) -> String {
    use fluent::resolver::errors::{ReferenceKind, ResolverError};
    match error {
        FluentError::ResolverError(ResolverError::Reference(kind)) => match kind {
            ReferenceKind::Variable { id } => format!("variable `${id}` was not supplied"),
            ReferenceKind::Message {
                id,
                attribute: None,
            } => format!("unknown message `{id}`"),
            ReferenceKind::Message {
                id,
                attribute: Some(a),
            } => format!("message `{id}` has no attribute `.{a}`"),
            ReferenceKind::Term {
                id,
                attribute: None,
            } => format!("unknown term `-{id}`"),
            ReferenceKind::Term {
                id,
                attribute: Some(a),
            } => format!("term `-{id}` has no attribute `.{a}`"),
            ReferenceKind::Function { id } => format!("unknown function `{id}`"),
        },
        FluentError::ResolverError(ResolverError::NoValue(id)) => {
            format!("message `{id}` has no value, only attributes")
        }
        FluentError::ResolverError(ResolverError::MissingDefault) => {
            "a selection has no default variant".to_string()
        }
        FluentError::ResolverError(ResolverError::Cyclic) => {
            "messages refer to each other in a cycle".to_string()
        }
        FluentError::ResolverError(ResolverError::TooManyPlaceables) => {
            "the message expands to too many placeables".to_string()
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests;

/// The language (`es` or `en`) and the name of `date`'s month in it; `None` for other languages.
fn month_name(lang: &str, date: Date) -> Option<(&'static str, &'static str)> {
    const ES: [&str; 12] = [
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
    const EN: [&str; 12] = [
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
    let primary = lang
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    // Date guarantees a month in 1..=12; `get` keeps a bad one from panicking anyway.
    let index = usize::from(date.month()).wrapping_sub(1);
    match primary.as_str() {
        "es" => ES.get(index).map(|m| ("es", *m)),
        "en" => EN.get(index).map(|m| ("en", *m)),
        _ => None,
    }
}
