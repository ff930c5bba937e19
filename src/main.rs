//! The `rumbo` binary: command-line glue around the library. Each subcommand parses its
//! flags, calls the library, prints, and decides the exit status at the end.
//!
//! Exit status: 0 success (warnings allowed), 1 problems found (rule errors, failed
//! scenarios), 2 usage or I/O error.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use rumbo::check::{self, Input, RuleSet};
use rumbo::date::Date;
use rumbo::diag::Diagnostic;
use rumbo::files;
use rumbo::scenario;

#[derive(Parser)]
#[command(
    name = "rumbo",
    version,
    about = "Preliminary, sourced guidance on lawful migration pathways"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where the rules and locales come from (flags, then environment, then the built-in copy).
#[derive(clap::Args, Clone)]
struct RulesArgs {
    /// Rules file [default: the built-in rules/example/example.yaml]
    #[arg(long, env = "RUMBO_RULES")]
    rules: Option<PathBuf>,
    /// Locales folder [default: the `locales` folder next to the rules file or above it]
    #[arg(long, env = "RUMBO_LOCALES")]
    locales: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Check a rules file and its locales; report every problem at once
    Check {
        /// Rules file [default: $RUMBO_RULES, else the built-in rules]
        rules: Option<PathBuf>,
        #[arg(long, env = "RUMBO_LOCALES")]
        locales: Option<PathBuf>,
        /// The date staleness is judged against [default: today]
        #[arg(long, value_parser = parse_date)]
        today: Option<Date>,
    },
    /// Run scenario files (answers in, expected outcomes out)
    Test {
        /// Scenario files or folders of them [default: rules/tests]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        source: RulesArgs,
        /// Also list answers to questions that were never asked
        #[arg(long, short)]
        verbose: bool,
    },
    /// Walk the interview in a terminal, with the text the bot sends
    Chat {
        #[command(flatten)]
        source: RulesArgs,
        /// Interface language [default: the rules' default locale]
        #[arg(long)]
        lang: Option<String>,
        /// Evaluate the rules as of this date [default: today]
        #[arg(long, env = "RUMBO_AS_OF", value_parser = parse_date)]
        as_of: Option<Date>,
    },
}

fn parse_date(s: &str) -> Result<Date, String> {
    s.parse().map_err(|e: rumbo::date::DateError| e.to_string())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check {
            rules,
            locales,
            today,
        } => {
            let source = RulesArgs {
                rules: rules.or_else(|| std::env::var_os("RUMBO_RULES").map(PathBuf::from)),
                locales,
            };
            run_check(&source, today.unwrap_or_else(Date::today_utc))
        }
        Command::Test {
            paths,
            source,
            verbose,
        } => run_test(&source, paths, verbose),
        Command::Chat {
            source,
            lang,
            as_of,
        } => run_chat(&source, lang, as_of),
    }
}

fn read(source: &RulesArgs) -> Result<Input, ExitCode> {
    let code = |e: files::IoError| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    };
    match (&source.rules, &source.locales) {
        (None, None) => Ok(files::embedded()),
        (None, Some(dir)) => files::embedded_with_locales(dir).map_err(code),
        (Some(path), locales) => files::read(path, locales.as_deref()).map_err(code),
    }
}

fn print_diagnostics(diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        eprintln!("{d}");
    }
}

/// Loads and checks; on errors prints them and returns the exit status to use.
fn load(source: &RulesArgs, today: Date) -> Result<RuleSet, ExitCode> {
    let input = read(source)?;
    let report = check::load(&input, today);
    let errors = report.errors();
    report.rule_set.ok_or_else(|| {
        print_diagnostics(&report.diagnostics);
        eprintln!(
            "error: {} has {errors} error(s); fix them first (`rumbo check` lists them all)",
            input.rules_path.display(),
        );
        ExitCode::from(1)
    })
}

fn run_check(source: &RulesArgs, today: Date) -> ExitCode {
    let input = match read(source) {
        Ok(i) => i,
        Err(code) => return code,
    };
    let report = check::load(&input, today);
    print_diagnostics(&report.diagnostics);
    let c = &report.coverage;
    let summary = match &report.rule_set {
        Some(set) => format!(
            "{}: {} questions, {} outcomes, {} answer paths{}; {} error(s), {} warning(s)",
            input.rules_path.display(),
            set.rules.questions.len(),
            set.rules.outcomes.len(),
            c.paths,
            if c.incomplete {
                " (analysis incomplete)"
            } else {
                ""
            },
            report.errors(),
            report.warnings()
        ),
        None => format!(
            "{}: {} error(s), {} warning(s)",
            input.rules_path.display(),
            report.errors(),
            report.warnings()
        ),
    };
    eprintln!("{summary}");
    ExitCode::from(u8::from(report.errors() > 0))
}

/// Every scenario file under `paths` (files as given, folders searched for `.yaml`/`.yml`).
fn scenario_files(paths: &[PathBuf]) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut stack = vec![path.clone()];
            while let Some(dir) = stack.pop() {
                for entry in std::fs::read_dir(&dir)? {
                    let p = entry?.path();
                    if p.is_dir() {
                        stack.push(p);
                    } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                        out.push(p);
                    }
                }
            }
        } else if path.exists() {
            out.push(path.clone());
        } else {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("{}: no such file or folder", path.display()),
            ));
        }
    }
    out.sort();
    Ok(out)
}

fn run_test(source: &RulesArgs, paths: Vec<PathBuf>, verbose: bool) -> ExitCode {
    let today = Date::today_utc();
    let set = match load(source, today) {
        Ok(set) => set,
        Err(code) => return code,
    };
    let paths = if paths.is_empty() {
        vec![PathBuf::from("rules/tests")]
    } else {
        paths
    };
    let files = match scenario_files(&paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if files.is_empty() {
        eprintln!(
            "error: no scenario files in {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        return ExitCode::from(2);
    }
    let mut out = io::stdout().lock();
    match run_scenarios(&set, &files, today, verbose, &mut out) {
        Ok(failed) => ExitCode::from(u8::from(failed > 0)),
        // The reader went away (`rumbo test | head`): nothing left to say.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Runs every case of every file, printing failures and the closing `N passed, M failed`;
/// returns how many failed.
fn run_scenarios(
    set: &RuleSet,
    files: &[PathBuf],
    today: Date,
    verbose: bool,
    out: &mut impl Write,
) -> io::Result<usize> {
    let (mut passed, mut failed) = (0usize, 0usize);
    for file in files {
        let bytes = files::read_file(file).map_err(io::Error::other)?;
        let suite = match scenario::parse(file, &bytes, today) {
            Ok(s) => s,
            Err(diagnostics) => {
                // The file as a whole fails, with its problems on stderr as `check` prints them.
                writeln!(
                    out,
                    "FAIL {}: the scenario file has {} problem(s), listed on stderr",
                    display(file),
                    diagnostics.len()
                )?;
                print_diagnostics(&diagnostics);
                failed += 1;
                continue;
            }
        };
        for case in &suite.cases {
            let result = scenario::run(set, &suite, case);
            if result.passed() {
                passed += 1;
            } else {
                failed += 1;
                writeln!(
                    out,
                    "FAIL {}:{}: {}",
                    display(&suite.path),
                    case.pos,
                    case.name
                )?;
                for p in &result.problems {
                    writeln!(out, "  {p}")?;
                }
            }
            if verbose && !result.unasked.is_empty() {
                writeln!(
                    out,
                    "note {}:{}: {}: never asked: {}",
                    display(&suite.path),
                    case.pos,
                    case.name,
                    result.unasked.join(", ")
                )?;
            }
        }
    }
    writeln!(out, "{passed} passed, {failed} failed")?;
    Ok(failed)
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

fn run_chat(source: &RulesArgs, lang: Option<String>, as_of: Option<Date>) -> ExitCode {
    let today = Date::today_utc();
    let set = match load(source, today) {
        Ok(set) => set,
        Err(code) => return code,
    };
    let lang = set
        .locales
        .negotiate(lang.as_deref(), &set.rules.default_locale);
    let stdin = io::stdin();
    if stdin.is_terminal() {
        eprintln!(
            "rumbo chat: {} ({}), as of {}",
            set.rules.id,
            lang,
            as_of.unwrap_or(today)
        );
    }
    match rumbo::chat::run(
        &set,
        &lang,
        as_of.unwrap_or(today),
        stdin.lock(),
        io::stdout().lock(),
    ) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
