//! `check`: loads a rules file and its locales and reports every problem at once.
//!
//! Contract: `load` never stops at the first problem. It returns the ready `RuleSet` only when
//! there is no error (warnings allowed), and always every diagnostic, sorted by file and place.
//! The checks that need both the rules and the locales (every message present, its variables
//! set on every path, rendered lengths, button labels, button data) live here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use sha2::{Digest, Sha256};

use crate::callback::{self, Action, Callback};
use crate::date::Date;
use crate::diag::{self, Diagnostic, Pos};
use crate::i18n::{ArgValue, Args, LocaleFile, Locales, MessageInfo, PreparedArgs};
use crate::render::{self, OUTCOME_VARIABLES, QUESTION_VARIABLES, UI_BUTTONS, UI_MESSAGES};
use crate::rules::analysis::{self, Analysis, Coverage};
use crate::rules::{Rules, message_id, resolve};

/// Telegram's limit for one message, in characters.
pub const MAX_MESSAGE_CHARS: usize = 4096;
/// The longest button label a phone shows whole: an inline button that spans the screen of a
/// 360-pixel-wide Android phone at the default font size shows about 32 characters before
/// Telegram cuts it with "…".
pub const MAX_LABEL_CHARS: usize = 32;

/// A rules file with its locales, as read.
#[derive(Debug, Clone)]
pub struct Input {
    pub rules_path: PathBuf,
    pub rules_bytes: Vec<u8>,
    pub locale_files: Vec<LocaleFile>,
    /// Problems found while reading the locale files (reported with the others).
    pub locale_problems: Vec<Diagnostic>,
    /// Where the locales came from, for diagnostics about a locale as a whole.
    pub locales_dir: PathBuf,
}

/// Checked rules and their locales, ready to serve.
#[derive(Debug)]
pub struct RuleSet {
    pub rules: Rules,
    pub locales: Locales,
}

/// What `load` found.
#[derive(Debug)]
pub struct Report {
    pub rule_set: Option<RuleSet>,
    pub diagnostics: Vec<Diagnostic>,
    pub coverage: Coverage,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

/// The content hash of a rules file and its locales: 16 hex digits.
pub fn version_of(input: &Input) -> String {
    let mut hash = Sha256::new();
    hash.update(&input.rules_bytes);
    let mut files: Vec<&LocaleFile> = input.locale_files.iter().collect();
    files.sort_by(|a, b| (&a.lang, &a.path).cmp(&(&b.lang, &b.path)));
    for f in files {
        hash.update([0]);
        hash.update(f.lang.as_bytes());
        hash.update([0]);
        hash.update(f.path.to_string_lossy().as_bytes());
        hash.update([0]);
        hash.update(f.text.as_bytes());
    }
    hash.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Loads and checks. `today` decides whether the last review is stale.
///
/// The locales and the rules are independent until the cross checks, so the locales are
/// loaded on another thread while this one resolves and analyses the rules. The analysis
/// stays on the caller's thread: it recurses once per question, and the caller chose that
/// thread's stack. Diagnostics come in the same order whichever thread finishes first.
pub fn load(input: &Input, today: Date) -> Report {
    let ((locales, mut diagnostics), rules) =
        beside(|| load_locales(input), || check_rules(input, today));
    let mut coverage = Coverage::default();
    let rules = match rules {
        Ok((rules, found, file_diagnostics)) => {
            coverage = found.coverage.clone();
            diagnostics.extend(found.diagnostics.iter().cloned());
            diagnostics.extend(file_diagnostics);
            if let Some(l) = &locales {
                let cross = Cross {
                    file: &input.rules_path,
                    locales_dir: &input.locales_dir,
                    rules: &rules,
                    locales: l,
                    analysis: &found,
                    languages: l.languages(),
                };
                diagnostics.extend(cross.run());
            }
            Some(rules)
        }
        Err(errors) => {
            diagnostics.extend(errors);
            None
        }
    };
    diag::sort(&mut diagnostics);
    diagnostics.dedup();
    let clean = !diagnostics.iter().any(Diagnostic::is_error);
    let rule_set = match (rules, locales, clean) {
        (Some(rules), Some(locales), true) => Some(RuleSet { rules, locales }),
        _ => None,
    };
    Report {
        rule_set,
        diagnostics,
        coverage,
    }
}

/// The locales, if they load, with the problems met reading them, loading them and comparing
/// them with each other.
fn load_locales(input: &Input) -> (Option<Locales>, Vec<Diagnostic>) {
    let mut diagnostics = input.locale_problems.clone();
    let locales = match Locales::from_files(input.locale_files.clone()) {
        Ok(l) => Some(l),
        Err(errors) => {
            diagnostics.extend(errors);
            None
        }
    };
    if let Some(l) = &locales {
        diagnostics.extend(l.check_consistency());
    }
    (locales, diagnostics)
}

/// The resolved rules with their flow analysis and the problems of the rules file alone, or
/// the problems that kept the file from resolving.
fn check_rules(
    input: &Input,
    today: Date,
) -> Result<(Rules, Analysis, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut rules = resolve::resolve(&input.rules_path, &input.rules_bytes)?;
    rules.version = version_of(input);
    let found = analysis::analyse(&input.rules_path, &rules, analysis::STATE_BUDGET);
    let file_diagnostics = file_checks(&input.rules_path, &rules, today);
    Ok((rules, found, file_diagnostics))
}

/// The stack of the threads `check` starts: what a main thread usually gets. Deeply nested
/// Fluent placeables are parsed and formatted recursively; this keeps a locale that loads
/// on a program's main thread loading here.
const THREAD_STACK: usize = 8 << 20;

/// `a()` on a new thread while `b()` runs on this one. If no thread can be started, both run
/// here, one after the other: the results never depend on the threads.
fn beside<A: Send, B>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (A, B) {
    // Kept where a thread that cannot be started leaves it, to run it here instead.
    let task = Mutex::new(Some(a));
    let run = || {
        let a = task.lock().unwrap_or_else(PoisonError::into_inner).take();
        a.map(|a| a())
    };
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .stack_size(THREAD_STACK)
            .spawn_scoped(scope, run);
        let b = b();
        let a = match spawned {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => run(),
        };
        // `task` is taken exactly once: by the thread, or here when there is none.
        (a.unwrap_or_else(|| unreachable!("the task ran once")), b)
    })
}

/// Checks about the rules file alone that the flow analysis does not make.
fn file_checks(file: &Path, rules: &Rules, today: Date) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Some(period) = rules.review_every_days {
        let age = today.days_after(rules.reviewed);
        if age > i64::from(period) {
            out.push(
                Diagnostic::warning(
                    file,
                    rules.spans.reviewed.start,
                    format!(
                        "the rules were last reviewed on {}, {age} days ago; the file asks for a review every {period} days",
                        rules.reviewed
                    ),
                )
                .with_help("check every source again, then update `reviewed:`"),
            );
        }
    }
    for (s, source) in rules.sources.iter().enumerate() {
        if !rules.outcomes.iter().any(|o| o.sources.contains(&s)) {
            out.push(
                Diagnostic::warning(
                    file,
                    source.span.start,
                    format!("source `{}` is not used by any outcome", source.tag),
                )
                .with_help("cite it in an outcome's `sources:`, or remove it"),
            );
        }
    }
    for (l, link) in rules.links.iter().enumerate() {
        if !rules.outcomes.iter().any(|o| o.links.contains(&l)) {
            out.push(
                Diagnostic::warning(
                    file,
                    link.span.start,
                    format!("link `{}` is not used by any outcome", link.id),
                )
                .with_help("show it with an outcome's `links:`, or remove it"),
            );
        }
    }
    // A question whose answer no condition reads, and that sets no argument, changes nothing:
    // asking it only costs the person time.
    let read: BTreeSet<u16> = rules
        .questions
        .iter()
        .map(|q| &q.ask_if)
        .chain(rules.outcomes.iter().map(|o| &o.when))
        .flat_map(|c| c.reads())
        .collect();
    for (i, q) in rules.questions.iter().enumerate() {
        let sets_args = q.choices.iter().any(|c| !c.args.is_empty());
        if !read.contains(&(i as u16)) && !sets_args {
            out.push(
                Diagnostic::warning(file, q.span.start, format!("no condition reads the answer to `{}`", q.id))
                    .with_help("ask a question only when its answer can change the result; use it in a `when` or `ask_if`, or remove it"),
            );
        }
    }
    for q in &rules.questions {
        for c in &q.choices {
            let data = Callback::new(
                &rules.version,
                Action::Answer {
                    question: q.id.clone(),
                    choice: c.id.clone(),
                },
            )
            .encode();
            if data.len() > callback::MAX_BYTES {
                out.push(
                    Diagnostic::error(
                        file,
                        c.span.start,
                        format!(
                            "the button for choice `{}` of `{}` needs {} bytes of data; Telegram allows {}",
                            c.id,
                            q.id,
                            data.len(),
                            callback::MAX_BYTES
                        ),
                    )
                    .with_help("shorten the question id or the choice id"),
                );
            }
        }
    }
    out
}

/// The checks that need rules and locales together.
///
/// A large file has tens of thousands of messages per language, so the checks here avoid
/// work per message that does not depend on the message: the longest arguments are put into
/// Fluent's form once per language ([`PreparedArgs`]), the variables a message may use are
/// not collected into a new set for each message ([`Allowed`]), and the texts of a
/// diagnostic are built only when there is one to report.
struct Cross<'a> {
    file: &'a Path,
    locales_dir: &'a Path,
    rules: &'a Rules,
    locales: &'a Locales,
    analysis: &'a Analysis,
    /// The locales' languages, sorted.
    languages: Vec<String>,
}

/// The variables a message may use: a fixed list, plus those set on every path that reaches
/// it, less a few the rule does not provide.
#[derive(Clone, Copy)]
struct Allowed<'a> {
    fixed: &'a [&'a str],
    reached: Option<&'a BTreeSet<String>>,
    except: &'a [&'a str],
}

impl<'a> Allowed<'a> {
    /// No variable at all (button labels).
    const NONE: Allowed<'static> = Allowed {
        fixed: &[],
        reached: None,
        except: &[],
    };

    fn only(fixed: &'a [&'a str]) -> Self {
        Allowed {
            fixed,
            reached: None,
            except: &[],
        }
    }

    fn contains(&self, var: &str) -> bool {
        !self.except.contains(&var)
            && (self.fixed.contains(&var) || self.reached.is_some_and(|r| r.contains(var)))
    }

    /// Every allowed name, sorted (for the help of a diagnostic).
    fn names(&self) -> BTreeSet<&'a str> {
        self.fixed
            .iter()
            .copied()
            .chain(self.reached.into_iter().flatten().map(String::as_str))
            .filter(|v| !self.except.contains(v))
            .collect()
    }
}

impl Cross<'_> {
    fn run(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        if !self.languages.contains(&self.rules.default_locale) {
            out.push(Diagnostic::error(
                self.file,
                self.rules.spans.default_locale.start,
                format!(
                    "default locale `{}` is not among the locales ({})",
                    self.rules.default_locale,
                    self.languages.join(", ")
                ),
            ));
        }
        // Each language is checked on its own, so the languages are checked in parallel;
        // their diagnostics are put together in the order of the languages, as if one after
        // the other.
        let per_language = parallel_map(&self.languages, |lang| {
            let mut out = Vec::new();
            self.ui(lang, &mut out);
            self.rule_messages(lang, &mut out);
            out
        });
        out.extend(per_language.into_iter().flatten());
        out
    }

    /// Where to report a problem with a whole locale.
    fn locale_pos(&self, lang: &str) -> (PathBuf, Pos) {
        (self.locales_dir.join(lang), Pos::new(1, 1))
    }

    fn ui(&self, lang: &str, out: &mut Vec<Diagnostic>) {
        for (id, allowed) in UI_MESSAGES {
            let Some(info) = self.locales.message(lang, id) else {
                if self.elsewhere(id) {
                    continue;
                }
                let (file, pos) = self.locale_pos(lang);
                out.push(
                    Diagnostic::error(
                        file,
                        pos,
                        format!("message `{id}` is missing from locale `{lang}`"),
                    )
                    .with_help(format!(
                        "every locale needs the interface message `{id}`; see docs/rules.md"
                    )),
                );
                continue;
            };
            self.unknown_variables(
                lang,
                id,
                &info.variables,
                Allowed::only(allowed),
                || "which the interface does not provide".to_string(),
                out,
            );
        }
        // `ui-review-change` names a question: measure it with the longest short name.
        let no_args = Args::new();
        let no_args = PreparedArgs::new(lang, &no_args);
        let longest_short = self
            .rules
            .questions
            .iter()
            .filter_map(|q| {
                self.locales
                    .format_attribute_prepared(
                        &message_id::question(&q.id),
                        message_id::SHORT,
                        &no_args,
                    )
                    .ok()
            })
            .max_by_key(|s| s.chars().count())
            .unwrap_or_default();
        let mut args = Args::new();
        args.insert("question".into(), ArgValue::Text(longest_short));
        let args = PreparedArgs::new(lang, &args);
        for id in UI_BUTTONS {
            self.label(id, None, &args, out);
        }
    }

    fn rule_messages(&self, lang: &str, out: &mut Vec<Diagnostic>) {
        let longest = self.longest_args(lang);
        let longest = PreparedArgs::new(lang, &longest);
        let no_args = Args::new();
        let no_args = PreparedArgs::new(lang, &no_args);
        for (i, q) in self.rules.questions.iter().enumerate() {
            let id = message_id::question(&q.id);
            // No path reaches it (reported elsewhere), or the analysis stopped early: there is
            // nothing to check its variables against.
            let reached = self.analysis.question_args.get(i).and_then(Option::as_ref);
            let allowed = Allowed {
                fixed: QUESTION_VARIABLES,
                reached,
                except: &[],
            };
            if let Some(info) = self.present(lang, &id, q.span.start, out) {
                if reached.is_some() {
                    let what = || format!("which is not set on every path that asks `{}`", q.id);
                    self.unknown_variables(lang, &id, &info.variables, allowed, what, out);
                }
                match info.attributes.get(message_id::SHORT) {
                    // Another locale that has it makes this a translation gap, which the
                    // locales' own consistency check reports at the text to translate.
                    None if self.short_elsewhere(&id) => {}
                    None => out.push(
                        Diagnostic::error(
                            self.message_file(lang, &id),
                            self.message_pos(lang, &id),
                            format!("message `{id}` in locale `{lang}` has no `.short` attribute"),
                        )
                        .with_help("add a line `    .short = …` naming the question in two or three words, for the review screen"),
                    ),
                    Some(short_vars) => {
                        let name = format!("{id}.{}", message_id::SHORT);
                        self.unknown_variables(lang, &name, short_vars, Allowed::NONE, || "but button labels take no variables".to_string(), out);
                        self.label(&id, Some(message_id::SHORT), &longest, out);
                    }
                }
                self.length(&id, &longest, out);
            }
            for c in &q.choices {
                let cid = message_id::choice(&q.id, &c.id);
                if let Some(info) = self.present(lang, &cid, c.span.start, out) {
                    self.button_label(&cid, info, &longest, out);
                }
            }
        }
        for (o, outcome) in self.rules.outcomes.iter().enumerate() {
            let reached = self.analysis.outcome_args.get(o).and_then(Option::as_ref);
            let mut except = Vec::new();
            if outcome.window.opens.is_none() {
                except.push("opens");
            }
            if outcome.window.closes.is_none() {
                except.push("closes");
            }
            let allowed = Allowed {
                fixed: OUTCOME_VARIABLES,
                reached,
                except: &except,
            };
            for id in [
                message_id::outcome(&outcome.id),
                message_id::outcome_next(&outcome.id),
            ] {
                if let Some(info) = self.present(lang, &id, outcome.span.start, out) {
                    if reached.is_some() {
                        let what = || {
                            format!(
                                "which is not set on every path where `{}` applies",
                                outcome.id
                            )
                        };
                        self.unknown_variables(lang, &id, &info.variables, allowed, what, out);
                    }
                    self.length(&id, &longest, out);
                }
            }
        }
        for link in &self.rules.links {
            let id = message_id::link(&link.id);
            if let Some(info) = self.present(lang, &id, link.span.start, out) {
                self.button_label(&id, info, &no_args, out);
            }
        }
        self.cards(lang, longest.args(), out);
    }

    /// The file defining message `id` (an attribute `id.attr` counts as its message).
    fn message_file(&self, lang: &str, id: &str) -> PathBuf {
        let id = id.split('.').next().unwrap_or(id);
        self.locales
            .message(lang, id)
            .map_or_else(|| self.locales_dir.join(lang), |m| m.file.clone())
    }

    fn message_pos(&self, lang: &str, id: &str) -> Pos {
        let id = id.split('.').next().unwrap_or(id);
        self.locales
            .message(lang, id)
            .map_or(Pos::new(1, 1), |m| m.pos)
    }

    /// Message `id` of `lang`, reporting one the rules need that `lang` lacks, at the rule
    /// that needs it. A message another locale has is reported by the locales' own
    /// consistency check, at the text to translate; only a message no locale has is
    /// reported here.
    fn present(
        &self,
        lang: &str,
        id: &str,
        at: Pos,
        out: &mut Vec<Diagnostic>,
    ) -> Option<&MessageInfo> {
        if let Some(info) = self.locales.message(lang, id) {
            if !info.has_value {
                out.push(
                    Diagnostic::error(
                        info.file.clone(),
                        info.pos,
                        format!("message `{id}` has no text, only attributes"),
                    )
                    .with_help(format!("write its text after `{id} =`")),
                );
            }
            return Some(info);
        }
        if self.elsewhere(id) {
            return None;
        }
        let mut d = Diagnostic::error(
            self.file,
            at,
            format!("message `{id}` is missing from locale `{lang}`"),
        );
        let ids = self.locales.message_ids(lang);
        d = d.with_help(
            diag::suggest(id, ids.iter().copied())
                .map(|s| format!("{s} (in locale `{lang}`)"))
                .unwrap_or_else(|| {
                    format!(
                        "add `{id} = …` to a file in {}",
                        self.locales_dir.join(lang).display()
                    )
                }),
        );
        out.push(d);
        None
    }

    /// A button label: no variables, and short enough for a phone. Labels are shown again on
    /// the review screen and in result cards, where the question's arguments are not at
    /// hand, so they take none.
    fn button_label(
        &self,
        id: &str,
        info: &MessageInfo,
        args: &PreparedArgs<'_>,
        out: &mut Vec<Diagnostic>,
    ) {
        self.unknown_variables(
            args.lang(),
            id,
            &info.variables,
            Allowed::NONE,
            || "but button labels take no variables".to_string(),
            out,
        );
        self.label(id, None, args, out);
    }

    /// Whether some locale defines message `id`.
    fn elsewhere(&self, id: &str) -> bool {
        self.languages
            .iter()
            .any(|l| self.locales.message(l, id).is_some())
    }

    /// Whether some locale gives message `id` a `.short` attribute.
    fn short_elsewhere(&self, id: &str) -> bool {
        self.languages.iter().any(|l| {
            self.locales
                .message(l, id)
                .is_some_and(|m| m.attributes.contains_key(message_id::SHORT))
        })
    }

    /// Reports each variable of `used` that is not `allowed`; `reason` (called only when
    /// there is one) ends the message.
    fn unknown_variables(
        &self,
        lang: &str,
        id: &str,
        used: &BTreeSet<String>,
        allowed: Allowed<'_>,
        reason: impl Fn() -> String,
        out: &mut Vec<Diagnostic>,
    ) {
        for var in used.iter().filter(|v| !allowed.contains(v)) {
            let allowed = allowed.names();
            let help = diag::suggest(var, allowed.iter().copied()).unwrap_or_else(|| {
                if allowed.is_empty() {
                    "this message gets no variables".to_string()
                } else {
                    format!(
                        "it can use {}",
                        allowed
                            .iter()
                            .map(|v| format!("`${v}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            });
            out.push(
                Diagnostic::error(
                    self.message_file(lang, id),
                    self.message_pos(lang, id),
                    format!("message `{id}` uses `${var}`, {}", reason()),
                )
                .with_help(help),
            );
        }
    }

    /// For each argument, its longest value as this language shows it.
    fn longest_args(&self, lang: &str) -> Args {
        let mut longest: BTreeMap<String, (usize, ArgValue)> = BTreeMap::new();
        let mut offer = |name: &str, value: &ArgValue| {
            let shown = match value {
                ArgValue::Text(t) => t.clone(),
                ArgValue::Date(d) => Locales::format_date(lang, *d),
                ArgValue::Month(d) => Locales::format_month(lang, *d),
                ArgValue::Number(n) => n.to_string(),
            };
            let len = shown.chars().count();
            if longest.get(name).is_none_or(|(l, _)| len > *l) {
                longest.insert(name.to_string(), (len, value.clone()));
            }
        };
        for q in &self.rules.questions {
            for c in &q.choices {
                for (name, value) in &c.args {
                    offer(name, value);
                }
            }
        }
        // The longest status name stands for `$status` (the card check tries every status).
        for status in crate::engine::Status::ALL {
            offer("status", &ArgValue::Text(status.name().into()));
        }
        // The longest date this language can print stands for the built-in date variables.
        let dates: Vec<Date> = (1..=12).filter_map(|m| Date::new(2000, m, 28)).collect();
        for name in ["as_of", "reviewed", "opens", "closes"] {
            for d in &dates {
                offer(name, &ArgValue::Date(*d));
            }
        }
        for o in &self.rules.outcomes {
            for (name, day) in [("opens", o.window.opens), ("closes", o.window.closes)] {
                if let Some(day) = day {
                    offer(name, &render::day_arg(day));
                }
            }
        }
        longest.into_iter().map(|(k, (_, v))| (k, v)).collect()
    }

    fn length(&self, id: &str, args: &PreparedArgs<'_>, out: &mut Vec<Diagnostic>) {
        let lang = args.lang();
        if let Ok(text) = self.locales.format_prepared(id, args) {
            let n = text.chars().count();
            if n > MAX_MESSAGE_CHARS {
                out.push(
                    Diagnostic::error(
                        self.message_file(lang, id),
                        self.message_pos(lang, id),
                        format!("message `{id}` is {n} characters long with its longest arguments; Telegram allows {MAX_MESSAGE_CHARS}"),
                    )
                    .with_help("shorten it, or move part of it to an official page linked from the outcome"),
                );
            }
        }
    }

    fn label(
        &self,
        id: &str,
        attribute: Option<&str>,
        args: &PreparedArgs<'_>,
        out: &mut Vec<Diagnostic>,
    ) {
        let lang = args.lang();
        let text = match attribute {
            Some(attr) => self.locales.format_attribute_prepared(id, attr, args),
            None => self.locales.format_prepared(id, args),
        };
        let Ok(text) = text else { return };
        let n = text.chars().count();
        if n > MAX_LABEL_CHARS {
            let name = attribute.map_or_else(|| format!("`{id}`"), |a| format!("`{id}.{a}`"));
            out.push(
                Diagnostic::error(
                    self.message_file(lang, id),
                    self.message_pos(lang, id),
                    format!("button label {name} is {n} characters long; phones show about {MAX_LABEL_CHARS}"),
                )
                .with_help("shorten it; the question text can carry the detail"),
            );
        }
    }

    /// A whole result card, with its longest arguments and every status, must fit one message.
    fn cards(&self, lang: &str, longest: &Args, out: &mut Vec<Diagnostic>) {
        let renderer = render::Renderer::new(
            self.rules,
            self.locales,
            lang,
            Date::new(2000, 9, 28).unwrap_or(self.rules.reviewed),
        );
        for (o, outcome) in self.rules.outcomes.iter().enumerate() {
            let because: Vec<_> = outcome
                .when
                .reads()
                .into_iter()
                .map(|q| (q, longest_choice(self.rules, self.locales, lang, q)))
                .collect();
            for status in crate::engine::Status::ALL {
                let m = crate::engine::Match {
                    outcome: o as u16,
                    status,
                    because: because.clone(),
                };
                let Ok(card) = renderer.card(&m, longest, renderer.as_of) else {
                    continue;
                };
                let n = card.text.chars().count();
                if n > MAX_MESSAGE_CHARS {
                    out.push(
                        Diagnostic::error(
                            self.file,
                            outcome.span.start,
                            format!("the `{}` card is {n} characters long in `{lang}`; Telegram allows {MAX_MESSAGE_CHARS}", outcome.id),
                        )
                        .with_help("shorten its messages or list fewer sources"),
                    );
                    break;
                }
            }
        }
    }
}

/// The choice of `q` with the longest label in `lang`.
fn longest_choice(rules: &Rules, locales: &Locales, lang: &str, q: u16) -> u16 {
    let question = rules.question(q);
    (0..question.choices.len())
        .max_by_key(|&c| {
            locales
                .format(
                    lang,
                    &message_id::choice(&question.id, &question.choices[c].id),
                    &Args::new(),
                )
                .map_or(0, |t| t.chars().count())
        })
        .unwrap_or(0) as u16
}

/// `f` of each item, in order, computed on parallel threads: the first item on this thread,
/// each other on a thread of its own. An item whose thread cannot be started is done here
/// instead, so the result never depends on the threads.
fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let Some((first, rest)) = items.split_first() else {
        return Vec::new();
    };
    std::thread::scope(|scope| {
        let f = &f;
        let jobs: Vec<_> = rest
            .iter()
            .map(|item| {
                std::thread::Builder::new()
                    .stack_size(THREAD_STACK)
                    .spawn_scoped(scope, move || f(item))
                    .map_err(|_| item)
            })
            .collect();
        let mut out = Vec::with_capacity(items.len());
        out.push(f(first));
        for job in jobs {
            out.push(match job {
                Ok(handle) => handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                Err(item) => f(item),
            });
        }
        out
    })
}
