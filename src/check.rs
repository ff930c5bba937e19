//! `check`: loads a rules file and its locales and reports every problem at once.
//!
//! Contract: `load` never stops at the first problem. It returns the ready `RuleSet` only when
//! there is no error (warnings allowed), and always every diagnostic, sorted by file and place.
//! The checks that need both the rules and the locales (every message present, its variables
//! set on every path, rendered lengths, button labels, button data) live here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError, mpsc};

use sha2::{Digest, Sha256};

use crate::callback::{self, Action, Callback};
use crate::date::Date;
use crate::diag::{self, Diagnostic, Pos};
use crate::i18n::{ArgValue, Args, LocaleFile, Locales, Message, PreparedArgs};
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
/// The work is shared by two threads. This one resolves the rules and runs the flow
/// analysis; the analysis stays here because it recurses once per question, and the caller
/// chose this thread's stack. Meanwhile a helper loads the locales and then, once the rules
/// are resolved, makes every check that does not need the analysis: the checks of the rules
/// file alone and most of the cross checks (formatting each message with its longest
/// arguments). What needs the analysis (which variables each message may use) is checked
/// after both are done. Diagnostics come in the same order as if all ran one after the
/// other.
pub fn load(input: &Input, today: Date) -> Report {
    // Where the resolved rules wait for the helper; it outlives both threads, so the helper
    // can borrow them while this thread analyses them.
    let resolved: OnceLock<Rules> = OnceLock::new();
    let (to_helper, from_main) = mpsc::channel::<&Rules>();
    let (helped, analysed) = beside(
        move || {
            let (locales, diagnostics) = load_locales(input);
            // No rules when they did not resolve (or this thread's work stopped early).
            let early = from_main
                .recv()
                .ok()
                .map(|rules| before_analysis(input, rules, locales.as_ref(), today));
            (locales, diagnostics, early)
        },
        || {
            let mut rules = resolve::resolve(&input.rules_path, &input.rules_bytes)?;
            rules.version = version_of(input);
            let rules = resolved.get_or_init(|| rules);
            // The helper is gone only if it panicked, which joining it reports.
            let _ = to_helper.send(rules);
            drop(to_helper);
            let found = analysis::analyse(&input.rules_path, rules, analysis::STATE_BUDGET);
            Ok::<_, Vec<Diagnostic>>((rules, found))
        },
    );
    let (locales, mut diagnostics, early) = helped;
    let mut coverage = Coverage::default();
    match analysed {
        Ok((rules, found)) => {
            // The helper always has the rules once they resolve; should it not, the checks
            // are made here.
            let (file_diagnostics, cross) =
                early.unwrap_or_else(|| before_analysis(input, rules, locales.as_ref(), today));
            coverage = found.coverage.clone();
            diagnostics.extend(found.diagnostics.iter().cloned());
            diagnostics.extend(file_diagnostics);
            if let (Some(l), Some(cross)) = (&locales, cross) {
                diagnostics.extend(Cross::new(input, rules, l).after_analysis(cross, &found));
            }
        }
        Err(errors) => diagnostics.extend(errors),
    }
    let rules = resolved.into_inner();
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

/// The checks of resolved rules that do not need the flow analysis: those of the rules file
/// alone, and the first part of the cross checks when the locales loaded.
fn before_analysis(
    input: &Input,
    rules: &Rules,
    locales: Option<&Locales>,
    today: Date,
) -> (Vec<Diagnostic>, Option<Early>) {
    let file_diagnostics = file_checks(&input.rules_path, rules, today);
    let cross = locales.map(|l| Cross::new(input, rules, l).before_analysis());
    (file_diagnostics, cross)
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
            .at_step(callback::STEP_MODULUS - 1)
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
/// They come in two parts: [`Cross::before_analysis`] makes every check that does not need
/// the flow analysis (all the formatting), while the analysis runs on another thread, and
/// [`Cross::after_analysis`] then checks the variables of each question and outcome message
/// against what the analysis found set on every path.
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
    /// The locales' languages, sorted.
    languages: Vec<String>,
}

/// What the cross checks found before the flow analysis is known: their diagnostics, and
/// the places among them of the ones that need the analysis.
#[derive(Default)]
struct Early {
    diagnostics: Vec<Diagnostic>,
    /// In the order of `at`.
    pending: Vec<Pending>,
}

/// The variables of one message, to check once the flow analysis is known.
struct Pending {
    /// How many of the early diagnostics come before the ones found here.
    at: usize,
    /// The language, as an index into [`Cross::languages`].
    lang: usize,
    /// The message (present in that language).
    id: String,
    of: Of,
}

/// What a message belongs to.
#[derive(Clone, Copy)]
enum Of {
    Question(usize),
    Outcome(usize),
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

impl<'a> Cross<'a> {
    fn new(input: &'a Input, rules: &'a Rules, locales: &'a Locales) -> Self {
        Cross {
            file: &input.rules_path,
            locales_dir: &input.locales_dir,
            rules,
            locales,
            languages: locales.languages(),
        }
    }

    /// Every check that does not need the flow analysis.
    fn before_analysis(&self) -> Early {
        let mut early = Early::default();
        if !self.languages.contains(&self.rules.default_locale) {
            early.diagnostics.push(Diagnostic::error(
                self.file,
                self.rules.spans.default_locale.start,
                format!(
                    "default locale `{}` is not among the locales ({})",
                    self.rules.default_locale,
                    self.languages.join(", ")
                ),
            ));
        }
        for (l, lang) in self.languages.iter().enumerate() {
            self.ui(lang, &mut early.diagnostics);
            self.rule_messages(l, lang, &mut early);
        }
        early
    }

    /// All the diagnostics: the early ones, with those about variables that need the flow
    /// analysis put where the checks would have found them in one pass.
    fn after_analysis(&self, early: Early, analysis: &Analysis) -> Vec<Diagnostic> {
        let mut out = Vec::with_capacity(early.diagnostics.len());
        let mut diagnostics = early.diagnostics.into_iter();
        let mut done = 0;
        for pending in early.pending {
            out.extend(diagnostics.by_ref().take(pending.at - done));
            done = pending.at;
            self.variables(&pending, analysis, &mut out);
        }
        out.extend(diagnostics);
        out
    }

    /// The variables of a pending message that are not set on every path to it. No path
    /// reaches it (reported elsewhere), or the analysis stopped early: then there is nothing
    /// to check its variables against.
    fn variables(&self, pending: &Pending, analysis: &Analysis, out: &mut Vec<Diagnostic>) {
        let lang = &self.languages[pending.lang];
        let Some(info) = self.locales.message(lang, &pending.id) else {
            return;
        };
        let id = &pending.id;
        match pending.of {
            Of::Question(i) => {
                let Some(reached) = analysis.question_args.get(i).and_then(Option::as_ref) else {
                    return;
                };
                let allowed = Allowed {
                    fixed: QUESTION_VARIABLES,
                    reached: Some(reached),
                    except: &[],
                };
                let q = &self.rules.questions[i];
                let what = || format!("which is not set on every path that asks `{}`", q.id);
                self.unknown_variables(lang, id, &info.variables, allowed, what, out);
            }
            Of::Outcome(o) => {
                let Some(reached) = analysis.outcome_args.get(o).and_then(Option::as_ref) else {
                    return;
                };
                let outcome = &self.rules.outcomes[o];
                let mut except = Vec::new();
                if outcome.window.opens.is_none() {
                    except.push("opens");
                }
                if outcome.window.closes.is_none() {
                    except.push("closes");
                }
                let allowed = Allowed {
                    fixed: OUTCOME_VARIABLES,
                    reached: Some(reached),
                    except: &except,
                };
                let what = || {
                    format!(
                        "which is not set on every path where `{}` applies",
                        outcome.id
                    )
                };
                self.unknown_variables(lang, id, &info.variables, allowed, what, out);
            }
        }
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
                let id = message_id::question(&q.id);
                let message = self.locales.get(lang, &id)?;
                message.format_attribute(message_id::SHORT, &no_args).ok()
            })
            .max_by_key(|s| s.chars().count())
            .unwrap_or_default();
        let mut args = Args::new();
        args.insert("question".into(), ArgValue::Text(longest_short));
        let args = PreparedArgs::new(lang, &args);
        for id in UI_BUTTONS {
            if let Some(message) = self.locales.get(lang, id) {
                self.label(message, None, &args, out);
            }
        }
    }

    /// The messages the rules need in `lang` (the `l`th language). The variables of question
    /// and outcome messages are left for [`Cross::after_analysis`].
    fn rule_messages(&self, l: usize, lang: &str, early: &mut Early) {
        let longest = self.longest_args(lang);
        let longest = PreparedArgs::new(lang, &longest);
        let no_args = Args::new();
        let no_args = PreparedArgs::new(lang, &no_args);
        let out = &mut early.diagnostics;
        for (i, q) in self.rules.questions.iter().enumerate() {
            let id = message_id::question(&q.id);
            if let Some(message) = self.present(lang, &id, q.span.start, out) {
                early.pending.push(Pending {
                    at: out.len(),
                    lang: l,
                    id: id.clone(),
                    of: Of::Question(i),
                });
                match message.info().attributes.get(message_id::SHORT) {
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
                        self.label(message, Some(message_id::SHORT), &longest, out);
                    }
                }
                self.length(message, &longest, out);
            }
            for c in &q.choices {
                let cid = message_id::choice(&q.id, &c.id);
                if let Some(message) = self.present(lang, &cid, c.span.start, out) {
                    self.button_label(message, &longest, out);
                }
            }
        }
        for (o, outcome) in self.rules.outcomes.iter().enumerate() {
            for id in [
                message_id::outcome(&outcome.id),
                message_id::outcome_next(&outcome.id),
            ] {
                if let Some(message) = self.present(lang, &id, outcome.span.start, out) {
                    early.pending.push(Pending {
                        at: out.len(),
                        lang: l,
                        id: id.clone(),
                        of: Of::Outcome(o),
                    });
                    self.length(message, &longest, out);
                }
            }
        }
        for link in &self.rules.links {
            let id = message_id::link(&link.id);
            if let Some(message) = self.present(lang, &id, link.span.start, out) {
                self.button_label(message, &no_args, out);
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
    fn present<'m>(
        &'m self,
        lang: &'m str,
        id: &'m str,
        at: Pos,
        out: &mut Vec<Diagnostic>,
    ) -> Option<Message<'m>> {
        if let Some(message) = self.locales.get(lang, id) {
            let info = message.info();
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
            return Some(message);
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
        message: Message<'_>,
        args: &PreparedArgs<'_>,
        out: &mut Vec<Diagnostic>,
    ) {
        self.unknown_variables(
            args.lang(),
            message.id(),
            &message.info().variables,
            Allowed::NONE,
            || "but button labels take no variables".to_string(),
            out,
        );
        self.label(message, None, args, out);
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

    fn length(&self, message: Message<'_>, args: &PreparedArgs<'_>, out: &mut Vec<Diagnostic>) {
        if let Ok(text) = message.format(args) {
            let n = text.chars().count();
            if n > MAX_MESSAGE_CHARS {
                let (id, info) = (message.id(), message.info());
                out.push(
                    Diagnostic::error(
                        info.file.clone(),
                        info.pos,
                        format!("message `{id}` is {n} characters long with its longest arguments; Telegram allows {MAX_MESSAGE_CHARS}"),
                    )
                    .with_help("shorten it, or move part of it to an official page linked from the outcome"),
                );
            }
        }
    }

    fn label(
        &self,
        message: Message<'_>,
        attribute: Option<&str>,
        args: &PreparedArgs<'_>,
        out: &mut Vec<Diagnostic>,
    ) {
        let text = match attribute {
            Some(attr) => message.format_attribute(attr, args),
            None => message.format(args),
        };
        let Ok(text) = text else { return };
        let n = text.chars().count();
        if n > MAX_LABEL_CHARS {
            let (id, info) = (message.id(), message.info());
            let name = attribute.map_or_else(|| format!("`{id}`"), |a| format!("`{id}.{a}`"));
            out.push(
                Diagnostic::error(
                    info.file.clone(),
                    info.pos,
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
                    opens_on: None,
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
