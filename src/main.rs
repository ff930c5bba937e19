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
    /// Rules file [default: the built-in rules/safe-mobility.yaml]
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
        /// Also report the questions, choices, outcomes, statuses and `paths --by outcome`
        /// rows no scenario exercises (exit 1 if any)
        #[arg(long)]
        coverage: bool,
        /// With --coverage: write a case for each row no scenario falls in, one file per
        /// date (DATE.yaml) in this folder; the engine's own results, to be checked
        #[arg(long, value_name = "DIR", requires = "coverage")]
        write_cases: Option<PathBuf>,
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
        /// Add this chat to the anonymous counters of --db, as the bot would (for demos of
        /// `rumbo stats`)
        #[arg(long)]
        record: bool,
        /// The database --record writes to (created if missing; unused without --record)
        #[arg(long, env = "RUMBO_DB", default_value = "sqlite:rumbo.db")]
        db: String,
    },
    /// Run the Telegram bot (needs TELOXIDE_TOKEN)
    Run {
        #[command(flatten)]
        source: RulesArgs,
        /// Session database
        #[arg(long, env = "RUMBO_DB", default_value = "sqlite:rumbo.db")]
        db: String,
        /// Receive updates on this public HTTPS URL instead of polling (needs --listen)
        #[arg(long, env = "RUMBO_WEBHOOK_URL", requires = "listen")]
        webhook_url: Option<url::Url>,
        /// Local address the webhook server listens on, e.g. 127.0.0.1:8443
        #[arg(long, env = "RUMBO_LISTEN", requires = "webhook_url")]
        listen: Option<std::net::SocketAddr>,
        /// Hours without activity after which a session starts afresh
        #[arg(long, env = "RUMBO_SESSION_TTL_HOURS", default_value_t = 24)]
        ttl_hours: u64,
        /// Minutes a finished session is kept (so Back still works) before deletion
        #[arg(long, env = "RUMBO_GRACE_MINUTES", default_value_t = 30)]
        grace_minutes: u64,
        /// Reload when a rules or locale file changes (SIGHUP always reloads)
        #[arg(long)]
        watch: bool,
        /// Updates one chat may send per minute before it is asked to slow down
        #[arg(long, env = "RUMBO_PER_MINUTE", default_value_t = 30)]
        per_minute: u32,
        /// Evaluate the rules as of this date [default: today]
        #[arg(long, env = "RUMBO_AS_OF", value_parser = parse_date)]
        as_of: Option<Date>,
        /// Delete anonymous counters older than this many months [default: keep them]
        #[arg(long, env = "RUMBO_KEEP_COUNTERS_MONTHS")]
        keep_counters_months: Option<u32>,
        /// Seconds between two sweeps of expired sessions and old counters
        #[arg(long, env = "RUMBO_SWEEP_SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
        sweep_seconds: u64,
        /// Send without pacing to Telegram's limits (for benchmarks, or a Bot API server that
        /// paces for you); 429s are still waited out
        #[arg(long, env = "RUMBO_NO_PACING", value_parser = clap::builder::BoolishValueParser::new())]
        no_pacing: bool,
        /// Keep no anonymous statistics at all: nothing is counted
        #[arg(long, env = "RUMBO_NO_COUNTERS", value_parser = clap::builder::BoolishValueParser::new())]
        no_counters: bool,
    },
    /// Every distinct answer path with its result, merged into a table a reviewer can check
    Paths {
        #[command(flatten)]
        source: RulesArgs,
        /// Evaluate the rules as of this date [default: today]
        #[arg(long, env = "RUMBO_AS_OF", value_parser = parse_date)]
        as_of: Option<Date>,
        #[arg(long, value_enum, default_value = "table")]
        format: rumbo::review::paths::Format,
        /// One table of whole results (`path`), or one table per outcome (`outcome`)
        #[arg(long, value_enum, default_value = "path")]
        by: rumbo::review::paths::By,
        /// Give up (exit status 2) after this many answer paths
        #[arg(long, default_value_t = rumbo::review::DEFAULT_BUDGET)]
        max_paths: usize,
    },
    /// Which answer combinations get a different result between two rules files (or one file
    /// on two dates), and which messages changed
    Diff {
        /// The rules file before the change
        old: PathBuf,
        /// The rules file after the change [default: OLD again, with --to-date]
        new: Option<PathBuf>,
        /// Locales folder for both [default: the `locales` folder next to each file or above it]
        #[arg(long)]
        locales: Option<PathBuf>,
        /// Compare on this date only [default: on every date either file can change]
        #[arg(long, value_parser = parse_date)]
        as_of: Option<Date>,
        /// Compare OLD as of --as-of with NEW (or OLD) as of this date
        #[arg(long, value_parser = parse_date)]
        to_date: Option<Date>,
        #[arg(long, value_enum, default_value = "table")]
        format: rumbo::review::paths::Format,
        /// Exit with status 1 when any result differs (a CI gate)
        #[arg(long)]
        fail_on_change: bool,
        /// Give up (exit status 2) after this many answer paths on one date
        #[arg(long, default_value_t = rumbo::review::DEFAULT_BUDGET)]
        max_paths: usize,
    },
    /// The interview as a diagram: questions, choices and outcomes (Mermaid or Graphviz)
    Graph {
        #[command(flatten)]
        source: RulesArgs,
        #[arg(long, value_enum, default_value = "mermaid")]
        format: rumbo::review::graph::Format,
        /// Label language [default: the rules' default locale]
        #[arg(long)]
        lang: Option<String>,
        /// Style outcomes by their windows as of this date [default: today]
        #[arg(long, env = "RUMBO_AS_OF", value_parser = parse_date)]
        as_of: Option<Date>,
    },
    /// Report the anonymous counters, with counts below k suppressed
    Stats {
        /// The bot's database (opened read-only)
        #[arg(long, env = "RUMBO_DB", default_value = "sqlite:rumbo.db")]
        db: String,
        /// First day, inclusive [default: the first day with a counter]
        #[arg(long, value_parser = parse_date)]
        from: Option<Date>,
        /// Last day, inclusive [default: the last day with a counter]
        #[arg(long, value_parser = parse_date)]
        to: Option<Date>,
        /// Period of the time series: day, week or month
        #[arg(long, default_value = "week")]
        by: rumbo::stats::By,
        /// Only this rules version (16 hex digits)
        #[arg(long)]
        rules_version: Option<String>,
        /// Only sessions in this locale
        #[arg(long)]
        locale: Option<String>,
        /// Output format: table, csv, json or html
        #[arg(long, default_value = "table")]
        format: rumbo::stats::format::Format,
        /// Write to this file instead of stdout
        #[arg(long)]
        out: Option<PathBuf>,
        /// Counts below k are not printed (at least 3)
        #[arg(long, default_value_t = rumbo::stats::DEFAULT_K)]
        k: u32,
        /// Rules file whose question order the funnel follows [default: the built-in rules]
        #[arg(long, env = "RUMBO_RULES")]
        rules: Option<PathBuf>,
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
            coverage,
            write_cases,
        } => run_test(&source, paths, verbose, coverage, write_cases.as_deref()),
        Command::Chat {
            source,
            lang,
            as_of,
            record,
            db,
        } => run_chat(&source, lang, as_of, record.then_some(db.as_str())),
        Command::Run {
            source,
            db,
            webhook_url,
            listen,
            ttl_hours,
            grace_minutes,
            watch,
            per_minute,
            as_of,
            keep_counters_months,
            sweep_seconds,
            no_pacing,
            no_counters,
        } => {
            let token = match std::env::var("TELOXIDE_TOKEN") {
                Ok(t) if rumbo::telegram::token_is_well_formed(t.trim()) => t.trim().to_string(),
                Ok(_) => {
                    eprintln!(
                        "error: TELOXIDE_TOKEN is not a bot token (it looks like 123456789:ABC…, from @BotFather)"
                    );
                    return ExitCode::from(2);
                }
                Err(_) => {
                    eprintln!(
                        "error: TELOXIDE_TOKEN is not set; create a bot with @BotFather and export its token"
                    );
                    return ExitCode::from(2);
                }
            };
            let api_url = match std::env::var("TELOXIDE_API_URL") {
                Ok(u) if !u.trim().is_empty() => {
                    match url::Url::parse(u.trim().trim_end_matches('/')) {
                        Ok(u) => Some(u),
                        Err(_) => {
                            eprintln!("error: TELOXIDE_API_URL is not a URL");
                            return ExitCode::from(2);
                        }
                    }
                }
                _ => None,
            };
            // Checked before anything starts, like the token: a typo must not silently leave
            // the NGO without /stats (or give it to the wrong person).
            let admins = match std::env::var("RUMBO_ADMINS") {
                Ok(text) => match rumbo::telegram::parse_admins(&text) {
                    Ok(admins) => admins,
                    Err(why) => {
                        eprintln!(
                            "error: RUMBO_ADMINS must be Telegram user ids separated by commas, e.g. 123456789,987654321 ({why})"
                        );
                        return ExitCode::from(2);
                    }
                },
                Err(std::env::VarError::NotPresent) => Default::default(),
                Err(std::env::VarError::NotUnicode(_)) => {
                    eprintln!(
                        "error: RUMBO_ADMINS must be Telegram user ids separated by commas, e.g. 123456789,987654321"
                    );
                    return ExitCode::from(2);
                }
            };
            // Telegram accepts 1 to 256 of A-Z, a-z, 0-9, `_` and `-`; anything else would stop
            // the bot inside the webhook setup. Replicas must share it, so it is never echoed.
            let webhook_secret = std::env::var("RUMBO_WEBHOOK_SECRET").ok();
            let valid = |secret: &str| {
                (1..=256).contains(&secret.len())
                    && secret
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            };
            if webhook_secret.as_deref().is_some_and(|s| !valid(s)) {
                eprintln!(
                    "error: RUMBO_WEBHOOK_SECRET must be 1 to 256 characters among A-Z, a-z, 0-9, _ and -"
                );
                return ExitCode::from(2);
            }
            let settings = rumbo::telegram::Settings {
                token,
                api_url,
                db,
                ttl: std::time::Duration::from_secs(ttl_hours.max(1) * 3600),
                grace: std::time::Duration::from_secs(grace_minutes * 60),
                webhook: webhook_url.zip(listen),
                webhook_secret,
                watch: Vec::new(),
                per_minute,
                as_of,
                keep_months: keep_counters_months,
                admins,
                sweep_every: std::time::Duration::from_secs(sweep_seconds),
                pacing: !no_pacing,
                counting: !no_counters,
            };
            run_bot(source, settings, watch)
        }
        Command::Paths {
            source,
            as_of,
            format,
            by,
            max_paths,
        } => run_paths(&source, as_of, format, by, max_paths),
        Command::Diff {
            old,
            new,
            locales,
            as_of,
            to_date,
            format,
            fail_on_change,
            max_paths,
        } => run_diff(
            &old,
            new.as_deref(),
            locales.as_deref(),
            (as_of, to_date),
            format,
            fail_on_change,
            max_paths,
        ),
        Command::Graph {
            source,
            format,
            lang,
            as_of,
        } => {
            let today = Date::today_utc();
            let set = match load_for_review(&source, today) {
                Ok(set) => set,
                Err(code) => return code,
            };
            let lang = set
                .locales
                .negotiate(lang.as_deref(), &set.rules.default_locale);
            let as_of = as_of.unwrap_or(today);
            print_out(|w| {
                rumbo::review::graph::write(&set.rules, &set.locales, &lang, as_of, format, w)
            })
        }
        Command::Stats {
            db,
            from,
            to,
            by,
            rules_version,
            locale,
            format,
            out,
            k,
            rules,
        } => {
            let questions = match interview_order(rules.as_deref()) {
                Ok(q) => q,
                Err(code) => return code,
            };
            let filters = rumbo::stats::Filters {
                from,
                to,
                rules_version,
                locale,
                questions,
            };
            run_stats(&db, &filters, by, k, format, out.as_deref())
        }
    }
}

/// `rumbo stats`: reads the counters read-only, prints the suppressed report. Every failure
/// (no database, no counters table, bad range, unwritable output) is exit status 2.
/// The question ids of `rules` (the built-in rules when `None`) in interview order. Only the
/// file's structure is read (no locales, no path analysis), so a report stays fast.
fn interview_order(rules: Option<&Path>) -> Result<Vec<String>, ExitCode> {
    let (path, bytes) = match rules {
        Some(path) => match rumbo::files::read_file(path) {
            Ok(bytes) => (path.to_path_buf(), bytes),
            Err(e) => {
                eprintln!("error: {e}");
                return Err(ExitCode::from(2));
            }
        },
        None => {
            let input = rumbo::files::embedded();
            (input.rules_path, input.rules_bytes)
        }
    };
    match rumbo::rules::resolve::resolve(&path, &bytes) {
        Ok(rules) => Ok(rules.questions.into_iter().map(|q| q.id).collect()),
        Err(problems) => {
            for p in &problems {
                eprintln!("{p}");
            }
            eprintln!(
                "error: {}: the funnel follows its question order; fix it or pass another --rules",
                path.display()
            );
            Err(ExitCode::from(2))
        }
    }
}

/// A one-thread runtime for a command that only waits on its database; exit 2 if it cannot
/// start.
fn small_runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("error: cannot start: {e}");
            ExitCode::from(2)
        })
}

fn run_stats(
    db: &str,
    filters: &rumbo::stats::Filters,
    by: rumbo::stats::By,
    k: u32,
    format: rumbo::stats::format::Format,
    out: Option<&Path>,
) -> ExitCode {
    let runtime = match small_runtime() {
        Ok(r) => r,
        Err(code) => return code,
    };
    let report = runtime.block_on(async {
        let pool = rumbo::stats::open(db).await?;
        let report = rumbo::stats::report(&pool, filters, by, k).await;
        pool.close().await;
        report
    });
    let report = match report {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let written = match out {
        Some(path) => std::fs::File::create(path)
            .and_then(|file| {
                let mut w = io::BufWriter::new(file);
                rumbo::stats::format::write(&report, format, &mut w)?;
                w.flush()
            })
            .map_err(|e| format!("{}: {e}", path.display())),
        None => {
            let mut w = io::BufWriter::new(io::stdout().lock());
            match rumbo::stats::format::write(&report, format, &mut w).and_then(|()| w.flush()) {
                // The reader went away (`rumbo stats | head`): nothing left to say.
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                other => other.map_err(|e| e.to_string()),
            }
        }
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// `rumbo run`: checks the rules first (the bot does not start on errors), then serves.
fn run_bot(source: RulesArgs, mut settings: rumbo::telegram::Settings, watch: bool) -> ExitCode {
    init_logging();
    let today = settings.as_of.unwrap_or_else(Date::today_utc);
    // Check now, so errors are printed before anything connects.
    if let Err(code) = load(&source, today) {
        return code;
    }
    if watch {
        settings.watch = watched_files(&source);
    }
    let loader_source = source.clone();
    let loader: rumbo::telegram::Loader = std::sync::Arc::new(move || {
        let input = match read_quiet(&loader_source) {
            Ok(i) => i,
            Err(e) => return Err(format!("error: {e}")),
        };
        let report = check::load(&input, Date::today_utc());
        let errors = report.errors();
        report.rule_set.ok_or_else(|| {
            let mut text: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
            text.push(format!(
                "error: {} has {errors} error(s); not loaded",
                input.rules_path.display()
            ));
            text.join("\n")
        })
    });
    // Before the runtime's threads exist (see `rumbo::memory`).
    rumbo::memory::limit_arenas();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(rumbo::telegram::run(settings, loader)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Logs to stderr; `RUMBO_LOG` sets the filter (default: info for rumbo, warnings for the rest).
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("RUMBO_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,rumbo=info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(io::stderr)
        .with_ansi(false)
        .try_init();
}

fn read_quiet(source: &RulesArgs) -> Result<Input, files::IoError> {
    match (&source.rules, &source.locales) {
        (None, None) => Ok(files::embedded()),
        (None, Some(dir)) => files::embedded_with_locales(dir),
        (Some(path), locales) => files::read(path, locales.as_deref()),
    }
}

/// The files `--watch` looks at: the rules file and every locale file.
fn watched_files(source: &RulesArgs) -> Vec<PathBuf> {
    let Ok(input) = read_quiet(source) else {
        return Vec::new();
    };
    let mut paths = Vec::new();
    if source.rules.is_some() {
        paths.push(input.rules_path.clone());
    }
    if source.rules.is_some() || source.locales.is_some() {
        paths.extend(input.locale_files.iter().map(|f| f.path.clone()));
    }
    paths
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

fn run_test(
    source: &RulesArgs,
    paths: Vec<PathBuf>,
    verbose: bool,
    coverage: bool,
    write_cases: Option<&Path>,
) -> ExitCode {
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
    let mut cov = coverage.then(rumbo::review::coverage::Coverage::default);
    match run_scenarios(&set, &files, today, verbose, cov.as_mut(), &mut out) {
        Ok(failed) => {
            let mut uncovered = 0;
            if let Some(cov) = cov {
                match cov.report(&set.rules, &mut out) {
                    Ok(Ok(n)) => uncovered = n,
                    Ok(Err(e)) => {
                        eprintln!("error: {e}");
                        return ExitCode::from(2);
                    }
                    Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return ExitCode::from(1),
                    Err(e) => {
                        eprintln!("error: {e}");
                        return ExitCode::from(2);
                    }
                }
                if let Some(dir) = write_cases
                    && let Err(e) = write_missing_cases(&cov, &set.rules, dir, &mut out)
                {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            }
            ExitCode::from(u8::from(failed > 0 || uncovered > 0))
        }
        // The reader went away (`rumbo test | head`): nothing left to say.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// `rumbo test --coverage --write-cases DIR`: a scenario file per date with a case for each
/// uncovered row. Never overwrites a file.
fn write_missing_cases(
    cov: &rumbo::review::coverage::Coverage,
    rules: &rumbo::rules::Rules,
    dir: &Path,
    out: &mut impl Write,
) -> Result<(), String> {
    let by_date = cov.missing_cases(rules).map_err(|e| e.to_string())?;
    let files: Vec<(PathBuf, String)> = by_date
        .iter()
        .map(|(date, cases)| {
            (
                dir.join(format!("{date}.yaml")),
                rumbo::review::coverage::scenario_file(*date, cases),
            )
        })
        .collect();
    if let Some((path, _)) = files.iter().find(|(p, _)| p.exists()) {
        return Err(format!(
            "{} exists; move it away or write to another folder (nothing was written)",
            path.display()
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for (path, text) in &files {
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let cases: usize = by_date.values().map(Vec::len).sum();
    writeln!(
        out,
        "Wrote {cases} case(s) in {} file(s) to {}: check each against the sources, then run again.",
        files.len(),
        dir.display()
    )
    .map_err(|e| e.to_string())
}

/// Runs every case of every file, printing failures and the closing `N passed, M failed`;
/// returns how many failed.
fn run_scenarios(
    set: &RuleSet,
    files: &[PathBuf],
    today: Date,
    verbose: bool,
    mut coverage: Option<&mut rumbo::review::coverage::Coverage>,
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
            if let Some(cov) = coverage.as_deref_mut() {
                cov.add(
                    &set.rules,
                    suite.as_of,
                    &result.path,
                    result.verdict.as_ref(),
                );
            }
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

fn run_chat(
    source: &RulesArgs,
    lang: Option<String>,
    as_of: Option<Date>,
    record: Option<&str>,
) -> ExitCode {
    let today = Date::today_utc();
    let set = match load(source, today) {
        Ok(set) => set,
        Err(code) => return code,
    };
    let lang = set
        .locales
        .negotiate(lang.as_deref(), &set.rules.default_locale);
    // --record: the bot's own store and counters, on a runtime of this command's own.
    let recorder = match record {
        None => None,
        Some(url) => {
            let runtime = match small_runtime() {
                Ok(rt) => rt,
                Err(code) => return code,
            };
            match runtime.block_on(rumbo::store::Store::open(
                url,
                std::time::Duration::from_secs(3600),
            )) {
                Ok(store) => Some((runtime, store)),
                Err(e) => {
                    eprintln!("error: {url}: {e}");
                    return ExitCode::from(2);
                }
            }
        }
    };
    let mut failed = false;
    let mut record_step = |counts: rumbo::chat::Counts| {
        if let Some((runtime, store)) = &recorder {
            let day = Date::today_utc().to_string();
            let added =
                runtime.block_on(store.add_counts(&day, &set.rules.version, &lang, &counts));
            // Like the bot: a failed counter write never stops the conversation.
            if let Err(e) = added
                && !failed
            {
                eprintln!("warning: counting failed (the chat goes on): {e}");
                failed = true;
            }
        }
    };
    let stdin = io::stdin();
    if stdin.is_terminal() {
        eprintln!(
            "rumbo chat: {} ({}), as of {}",
            set.rules.id,
            lang,
            as_of.unwrap_or(today)
        );
    }
    let ran = rumbo::chat::run(
        &set,
        &lang,
        as_of.unwrap_or(today),
        stdin.lock(),
        io::stdout().lock(),
        &mut record_step,
    );
    if let Some((runtime, store)) = recorder {
        // Checkpoints the write-ahead log into the database file.
        runtime.block_on(store.close());
    }
    match ran {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Loads for a review command: rules with errors are exit status 2 (1 means "differences").
fn load_for_review(source: &RulesArgs, today: Date) -> Result<RuleSet, ExitCode> {
    load(source, today).map_err(|_| ExitCode::from(2))
}

/// Writes a review command's output to stdout; a closed pipe is not an error.
fn print_out(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> ExitCode {
    let mut w = io::BufWriter::new(io::stdout().lock());
    match write(&mut w).and_then(|()| w.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run_paths(
    source: &RulesArgs,
    as_of: Option<Date>,
    format: rumbo::review::paths::Format,
    by: rumbo::review::paths::By,
    max_paths: usize,
) -> ExitCode {
    let today = Date::today_utc();
    let set = match load_for_review(source, today) {
        Ok(set) => set,
        Err(code) => return code,
    };
    let as_of = as_of.unwrap_or(today);
    let raw = match rumbo::review::walk(&set.rules, as_of, max_paths) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match by {
        rumbo::review::paths::By::Path => {
            let table = rumbo::review::Table {
                columns: raw.columns,
                rows: rumbo::review::merge(raw.rows),
            };
            print_out(|w| rumbo::review::paths::write(&table, as_of, format, w))
        }
        rumbo::review::paths::By::Outcome => {
            let keep = rumbo::review::paths::outcome_columns(&set.rules);
            let tables = rumbo::review::paths::by_outcome(&raw, &keep);
            let n = raw.rows.len() as u64;
            print_out(|w| rumbo::review::paths::write_by_outcome(&tables, n, as_of, format, w))
        }
    }
}

fn run_diff(
    old: &Path,
    new: Option<&Path>,
    locales: Option<&Path>,
    (as_of, to_date): (Option<Date>, Option<Date>),
    format: rumbo::review::paths::Format,
    fail_on_change: bool,
    max_paths: usize,
) -> ExitCode {
    use rumbo::review::diff;
    let today = Date::today_utc();
    if new.is_none() && to_date.is_none() {
        eprintln!("error: give a second rules file, or --to-date to compare one file on two dates");
        return ExitCode::from(2);
    }
    let load_one = |path: &Path| {
        let source = RulesArgs {
            rules: Some(path.to_path_buf()),
            locales: locales.map(Path::to_path_buf),
        };
        let input = read(&source).map_err(|_| ExitCode::from(2))?;
        let set = load_for_review(&source, today)?;
        Ok::<_, ExitCode>((input, set))
    };
    let (old_input, old_set) = match load_one(old) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let (new_input, new_set) = match new.map(load_one) {
        None => (old_input.clone(), None),
        Some(Ok((input, set))) => (input, Some(set)),
        Some(Err(code)) => return code,
    };
    let new_rules = new_set.as_ref().map_or(&old_set.rules, |s| &s.rules);
    let periods = match (as_of, to_date) {
        (None, None) => diff::compare_all_dates(&old_set.rules, new_rules, max_paths),
        (a, b) => {
            let a = a.unwrap_or(today);
            let b = b.unwrap_or(a);
            let label = if a == b {
                format!("on {a}")
            } else {
                format!("on {a} (old) and {b} (new)")
            };
            diff::compare(&old_set.rules, a, new_rules, b, max_paths)
                .map(|changes| vec![diff::Period { label, changes }])
        }
    };
    let periods = match periods {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let messages = diff::message_changes(&old_input.locale_files, &new_input.locale_files);
    let code = print_out(|w| diff::write(&periods, &messages, format, w));
    if code == ExitCode::SUCCESS && fail_on_change && diff::results_differ(&periods) {
        return ExitCode::from(1);
    }
    code
}
